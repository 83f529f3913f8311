// The application form: show eligibility as the clerk types, before submitting.
// Without JavaScript the "Check eligibility" button does the same on the server.
(function () {
  "use strict";
  var form = document.getElementById("apply-form");
  if (!form) return;
  var box = document.getElementById("eligibility");
  var body = document.getElementById("eligibility-body");
  var timer = null;
  var latest = 0;

  function value(name) {
    var field = form.elements[name];
    return field ? String(field.value || "").trim() : "";
  }

  function payload() {
    var subsidies = [];
    form.querySelectorAll('input[name="subsidies"]:checked').forEach(function (box) {
      subsidies.push(box.value);
    });
    return {
      id_number: value("id_number"),
      name: value("name") || "-",
      disability_card_no: value("disability_card_no"),
      category: parseInt(value("category"), 10),
      grade: parseInt(value("grade"), 10),
      subsidies: subsidies,
      hukou_division: value("hukou_division") || null,
      work_injury_nursing: form.elements.work_injury_nursing.checked,
      orphan_support: form.elements.orphan_support.checked
    };
  }

  function ready(data) {
    return data.id_number.length === 18 && data.disability_card_no.length === 20 &&
      data.category > 0 && data.grade > 0 && data.subsidies.length > 0;
  }

  function line(text, className) {
    var p = document.createElement("p");
    if (className) p.className = className;
    p.textContent = text;
    return p;
  }

  function badge(ok) {
    var span = document.createElement("span");
    span.className = "badge badge-" + (ok ? "ok" : "bad");
    span.textContent = ok ? box.dataset.yes : box.dataset.no;
    return span;
  }

  function show(result) {
    body.replaceChildren();
    if (result.failed) {
      body.appendChild(line(box.dataset.cannot + " " + result.failed.detail, "error"));
      return;
    }
    if (!result.card_ok) {
      body.appendChild(line(box.dataset.cardBad, "error"));
    } else {
      if (result.hukou_division) {
        var template = result.hukou_source === "registry" ? box.dataset.hukouRegistry : box.dataset.hukouForm;
        body.appendChild(line(template.replace("%(division)s", result.hukou_division), "hukou-used"));
      }
      var list = document.createElement("ul");
      list.className = "eligibility-list";
      ["living", "nursing"].forEach(function (kind) {
        var item = document.createElement("li");
        item.textContent = box.dataset[kind] + ": ";
        item.appendChild(badge(result.eligible[kind]));
        list.appendChild(item);
      });
      body.appendChild(list);
      var reasons = document.createElement("ul");
      reasons.className = "reasons";
      result.reasons.forEach(function (reason) {
        var item = document.createElement("li");
        item.textContent = box.dataset.lang === "zh" ? reason.zh : reason.en;
        reasons.appendChild(item);
      });
      body.appendChild(reasons);
    }
    if (result.can_apply) {
      body.appendChild(line(box.dataset.can, "ok"));
    } else if (result.refusal) {
      body.appendChild(line(box.dataset.cannot + " " + result.refusal.detail, "error"));
    }
  }

  function check() {
    var data = payload();
    if (!ready(data)) return;
    var ticket = ++latest;
    fetch(form.dataset.preview, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRF-Token": form.elements._csrf.value
      },
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.ok ? response.json() : response.json().then(function (error) {
        return { failed: error };
      });
    }).then(function (result) {
      if (ticket === latest) show(result);
    }).catch(function () { /* the server-side check button still works */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 100);
  });
})();
