"""One widget per panel of the exercise screen; each renders its slice of a `Situation`."""
