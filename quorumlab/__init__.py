"""quorumlab: command-line front end over model, proofs and simulations."""
