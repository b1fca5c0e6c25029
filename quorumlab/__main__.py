"""``python -m quorumlab``: the same command line as ``quorumlab``."""

from quorumlab.cli import main

if __name__ == "__main__":
    main(prog_name="quorumlab")
