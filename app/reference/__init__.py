"""Countries, country groups with dated membership, currencies, SDG targets, sectors, stages."""
