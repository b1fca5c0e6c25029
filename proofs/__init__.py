"""quorumlab.proofs: Z3 encoding, property catalogue, counterexamples."""
