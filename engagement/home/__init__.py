"""The home page, "my work", for every role: it sits above the meetings and the dashboards
(an officer's own disclosure record is a dashboards figure), so it is its own package.
No models and no templates of its own (templates/home/ is in the project's folder), so it
needs no entry in INSTALLED_APPS."""
