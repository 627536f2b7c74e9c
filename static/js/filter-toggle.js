// Engagement Log – collapsible filter panel on list pages (progressive enhancement).
//
// Loaded as an ES module by the list templates that use MoJ Frontend's filter layout
// (templates/meetings/includes/filter_panel.html):
//
//   {% block extra_js %}<script type="module" src="{% static 'js/filter-toggle.js' %}"></script>{% endblock %}
//
// MoJ Frontend 11's FilterToggleButton is not part of its initAll(), so it is created
// here for each [data-app-filter-toggle] panel. On a phone the panel starts hidden
// behind a "Show filters" button (put in the list's .moj-action-bar__filter) and opens
// as MoJ's full-screen panel with a "Close" button; on wider screens it starts open
// beside the list. A panel with data-start-shown="true" (the filters have errors)
// starts open everywhere. Without JavaScript nothing here runs: the filters show above
// the list and work as a plain GET form.
//
// MoJ Frontend is loaded from the URL base.html gives application.js (the hashed
// static name in production), so both scripts share one copy of the module.

const WIDE_SCREEN = '(min-width: 48.0625em)' // MoJ's own breakpoint for the filter layout

const panels = document.querySelectorAll('[data-app-filter-toggle]')
const loader = document.querySelector('script[data-moj-frontend-src]')

function mojFrontendUrl () {
  const fromTemplate = loader && loader.getAttribute('data-moj-frontend-src')
  return fromTemplate
    ? new URL(fromTemplate, document.baseURI).href
    : new URL('../vendor/moj-frontend/moj-frontend.min.js', import.meta.url).href
}

function reportError (error) {
  // The filters still work without the toggle: log and carry on.
  console.error('Engagement Log: could not set up the filter toggle', error)
}

function focusErrorSummary (panel) {
  // GOV.UK's error summary focuses itself when it starts, which may be before the
  // panel was shown; focus it again so a screen reader reads the errors first.
  const summary = panel.querySelector('.govuk-error-summary')
  if (!summary) return
  if (!summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1')
  summary.focus()
}

async function initialise () {
  if (!panels.length) return
  const { FilterToggleButton } = await import(mojFrontendUrl())
  for (const panel of panels) {
    try {
      // On a phone FilterToggleButton always starts with the panel hidden (and on a
      // wide screen shown); a panel with errors is opened again straight away.
      const toggle = new FilterToggleButton(panel, {
        bigModeMediaQuery: WIDE_SCREEN,
        startHidden: false,
        toggleButton: {
          showText: 'Show filters',
          hideText: 'Hide filters',
          classes: 'govuk-button--secondary'
        },
        toggleButtonContainer: { selector: '.moj-action-bar__filter' },
        closeButton: { text: 'Close', classes: 'moj-filter__close' },
        closeButtonContainer: { selector: '.moj-filter__header-action' }
      })
      if (panel.dataset.startShown === 'true' && toggle.$menuButton) {
        toggle.showMenu()
        focusErrorSummary(panel)
      }
    } catch (error) {
      reportError(error)
    }
  }
}

initialise().catch(reportError)
