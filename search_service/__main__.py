"""python -m search_service: the same command line as search-service."""

from search_service.cli import main

main(prog_name="search-service")
