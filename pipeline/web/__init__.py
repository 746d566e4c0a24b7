"""`dvk serve`: the secretariat's local web page over the same service layer as the CLI."""
