"""Every change to a stored comment: the one status writer, moves, deletion, tallies, mail."""
