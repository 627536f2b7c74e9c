// Engagement Log – progressive enhancement.
//
// Loaded by templates/base.html as an ES module:
//
//   <script type="module" src="{% static 'js/application.js' %}"
//           data-govuk-frontend-src="{% static 'vendor/govuk-frontend/govuk-frontend.min.js' %}"
//           data-moj-frontend-src="{% static 'vendor/moj-frontend/moj-frontend.min.js' %}"></script>
//
// The vendor URLs come from the template's {% static %} tag, so they are the
// hashed names when ManifestStaticFilesStorage / WhiteNoise is in use and the
// plain names with DEBUG static serving. This file therefore has no static
// module imports for the storage backend to rewrite; it loads the vendor
// modules with dynamic import() instead. If the data attributes are missing it
// falls back to paths relative to this file (the unhashed copies that
// collectstatic also writes).
//
// No inline script is needed (our Content-Security-Policy forbids them): the
// `govuk-frontend-supported` class that GOV.UK Frontend's page template adds
// with an inline snippet is added here. Only browsers that run
// <script type="module"> get here, which is exactly GOV.UK Frontend's
// definition of "supported".

const body = document.body

body.classList.add('js-enabled', 'govuk-frontend-supported')

const loader = document.querySelector('script[data-govuk-frontend-src]')

function vendorUrl (attribute, fallbackPath) {
  const fromTemplate = loader && loader.getAttribute(attribute)
  return new URL(fromTemplate || fallbackPath, fromTemplate ? document.baseURI : import.meta.url).href
}

const govukFrontendUrl = vendorUrl(
  'data-govuk-frontend-src',
  '../vendor/govuk-frontend/govuk-frontend.min.js'
)
const mojFrontendUrl = vendorUrl(
  'data-moj-frontend-src',
  '../vendor/moj-frontend/moj-frontend.min.js'
)

function reportError (error) {
  // Progressive enhancement: the page still works without the components'
  // JavaScript, so log and carry on.
  console.error('Engagement Log: could not initialise front-end components', error)
}

async function initialise () {
  const [govukFrontend, mojFrontend] = await Promise.all([
    import(govukFrontendUrl),
    import(mojFrontendUrl)
  ])

  // GOV.UK Frontend 6: initialises every element with a GOV.UK
  // data-module="govuk-..." attribute (service navigation, skip link,
  // notification banner, error summary, character count, ...).
  govukFrontend.initAll({ onError: reportError })

  // MoJ Frontend 11: initAll(scopeOrOptions) initialises the MoJ components
  // with data-module="moj-..." (sortable table, button menu, date picker,
  // multi select, alert, ...). FilterToggleButton, FormValidator and
  // MultiFileUpload are not included in initAll and must be created
  // explicitly if we ever use them.
  mojFrontend.initAll({ onError: reportError })
}

initialise().catch(reportError)
