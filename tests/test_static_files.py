"""Production static files: every url() in the vendored CSS resolves under hashed names."""

from django.core.management import call_command


def test_collectstatic_with_hashed_names_succeeds(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # Manifest storage raises if a url() in a stylesheet points at a missing file.
    call_command("collectstatic", interactive=False, verbosity=0)
    css = next(tmp_path.glob("vendor/application.*.css"))
    text = css.read_text()
    assert "/static/vendor/govuk-frontend/assets/images/govuk-crest." in text
    assert "GDS Transport" not in text and ".woff" not in text
    assert (tmp_path / "staticfiles.json").exists()
