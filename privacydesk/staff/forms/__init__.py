"""Back-office forms. Forms only translate input; the register service applies the rules."""
