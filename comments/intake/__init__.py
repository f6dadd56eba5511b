"""A reader's comment coming in: the form, the local rules, submission, edits, replies."""
