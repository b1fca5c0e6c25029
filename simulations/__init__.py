"""quorumlab.simulations: Monte Carlo, exact probabilities, power indices, plots."""
