"""One module per ``tradekg`` subcommand; each exposes a click command named ``command``."""
