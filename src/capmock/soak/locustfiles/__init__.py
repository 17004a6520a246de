"""Ready-made locustfiles (a folder of their own: Locust puts a locustfile's folder first on
sys.path, and capmock.soak has a module named ``locust``)."""
