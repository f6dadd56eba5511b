"""What every test may use: the people who log in (`people`), and `waiting.wait_for`."""
