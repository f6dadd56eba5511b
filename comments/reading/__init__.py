"""What readers read: a post's thread and the comment feeds."""
