"""`python -m simulator` is the same as the `cyberdrill` command."""

from simulator.cli import main

if __name__ == "__main__":
    main()
