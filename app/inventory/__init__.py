"""The inventory of technology facilitation mechanisms and the clean-technology knowledge base."""
