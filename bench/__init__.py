"""Benchmarks: scripts that print figures, never tests (see the README's "Volume and
benchmarks"). The app is served by gunicorn with bench/settings.py; bench/server.py
starts it, signs people in and times requests over real HTTP."""
