"""Small shared pieces that know no domain: templating, request sessions, pagination, money."""
