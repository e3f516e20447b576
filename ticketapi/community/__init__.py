"""Community: suggestions users post, vote for and discuss; agents moderate them."""
