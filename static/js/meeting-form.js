// The meeting form, progressively enhanced: without this file every group is listed
// under its area's name, and the server gives the warnings before it saves.
//
// Loaded by templates/meetings/meeting_form.html as an ES module (no inline script:
// the Content-Security-Policy forbids them).
//
// - The group picker shows the groups of the meeting's area only, with a button to
//   show every area. A ticked box always stays in view: nothing is unticked unseen.
// - Ticking a group that has declined counter-terrorism engagement (by the meeting's
//   date), or a group from another area, shows the warning and the box to confirm it
//   before saving, in the words the server uses.

const picker = document.querySelector('[data-app-group-picker]')
const warningBlock = document.querySelector('[data-app-group-warnings]')
const areaSelect = document.getElementById('id_area')
const dateInput = document.getElementById('id_date')

function chosenArea () {
  const option = areaSelect && areaSelect.selectedOptions[0]
  if (!option || !option.value) return null
  return { id: option.value, name: option.textContent.trim() }
}

function fill (template, values) {
  return template.replace(/\{(\w+)\}/g, (match, key) => key in values ? values[key] : match)
}

function initialiseNarrowing () {
  const status = picker.querySelector('[data-app-group-picker-status]')
  const blocks = [...picker.querySelectorAll('[data-area]')]
  const toggle = document.createElement('button')
  toggle.type = 'button'
  toggle.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-3'
  status.after(toggle)
  let everyArea = false

  function narrow () {
    const area = chosenArea()
    const showAll = everyArea || !area
    for (const block of blocks) {
      let shown = 0
      for (const item of block.querySelectorAll('.govuk-checkboxes__item')) {
        const box = item.querySelector('input')
        const show = showAll || block.dataset.area === area.id || box.checked
        item.hidden = !show
        if (show) shown += 1
      }
      block.hidden = shown === 0
    }
    status.hidden = !area
    toggle.hidden = !area
    if (area) {
      status.textContent = everyArea
        ? 'Showing the groups of every area.'
        : `Showing the groups in ${area.name}, and any group already ticked.`
      toggle.textContent = everyArea
        ? `Show only the groups in ${area.name}`
        : 'Show the groups of every area'
    }
  }

  toggle.addEventListener('click', () => {
    everyArea = !everyArea
    narrow()
  })
  areaSelect.addEventListener('change', narrow)
  narrow()
}

function initialiseWarnings () {
  const list = warningBlock.querySelector('[data-app-group-warning-list]')
  const otherArea = picker.dataset.otherAreaWarning

  function warn () {
    const day = dateInput ? dateInput.value : ''
    const area = chosenArea()
    const messages = []
    for (const box of picker.querySelectorAll('input[name="groups"]:checked')) {
      // A group saved with the meeting was confirmed when it was saved.
      if (box.hasAttribute('data-saved')) continue
      const declinedFrom = box.dataset.declinedFrom
      // ISO dates compare as strings; with no date yet, warn to be safe.
      if (declinedFrom && (!day || day >= declinedFrom)) {
        messages.push(box.dataset.declinedWarning)
      }
      const block = box.closest('[data-area]')
      if (area && block.dataset.area !== area.id) {
        messages.push(fill(otherArea, {
          group: box.dataset.groupName,
          group_area: block.dataset.areaName,
          area: area.name
        }))
      }
    }
    list.replaceChildren(...messages.map((message) => {
      const item = document.createElement('li')
      item.textContent = message
      return item
    }))
    warningBlock.hidden = messages.length === 0
  }

  picker.addEventListener('change', warn)
  if (areaSelect) areaSelect.addEventListener('change', warn)
  if (dateInput) dateInput.addEventListener('change', warn)
  warn()
}

if (picker && areaSelect) initialiseNarrowing()
if (picker && warningBlock) initialiseWarnings()
