package org.iommufdsim.scenarios.explain;

import java.util.List;
import org.iommufdsim.sim.host.ObjectGraph;

/**
 * One self-contained HTML page to step through an explanation: no network, no external file;
 * each step's explanation and the object graph after it (inline SVG, whose layout keeps a
 * node where it was from one step to the next) in its own section, one shown at a time. The
 * page steps with the arrow keys, Home/End, or its buttons.
 *
 * <p>Opened with {@code #selftest} appended to its address, the page checks itself in the
 * browser that renders it: it records script errors, reads which step is shown and which
 * objects its graph holds, steps forward through the same handler as the keyboard, reads them
 * again, and writes what it saw as JSON into {@code <pre id="selftest">} (the test suite runs
 * this in headless Chromium).
 */
public final class HtmlPage {
  private HtmlPage() {}

  /** The page for {@code e}, titled {@code title}; {@code width} wraps the explanations. */
  public static String render(String title, Explanation e, int width) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n")
        .append("body { font-family: sans-serif; margin: 1em; }\n")
        .append("header { position: sticky; top: 0; background: #fff; padding: .5em 0;"
            + " border-bottom: 1px solid #ccc; }\n")
        .append("pre { font-family: monospace; font-size: 12px; background: #fafafa;"
            + " padding: .5em; overflow-x: auto; }\n")
        .append(".graph { overflow-x: auto; border: 1px solid #ddd; }\n")
        .append("button { font-size: 1em; margin-right: .3em; }\n")
        .append("</style>\n</head>\n<body>\n<header>\n<strong>").append(esc(title))
        .append("</strong><br>\n")
        .append("<button id=\"first\" title=\"Home\">&#x23EE; first</button>")
        .append("<button id=\"prev\" title=\"left arrow\">&#x25C0; previous</button>")
        .append("<button id=\"next\" title=\"right arrow\">next &#x25B6;</button>")
        .append("<button id=\"last\" title=\"End\">last &#x23ED;</button>\n")
        .append("<span id=\"where\"></span>\n</header>\n<main>\n");
    List<Explanation.Step> steps = e.steps();
    for (Explanation.Step s : steps) {
      ObjectGraph g = s.after();
      sb.append("<section class=\"step\" data-step=\"").append(s.number()).append('"')
          .append(s.number() == 1 ? "" : " hidden").append(">\n<pre>")
          .append(esc(ExplainText.step(s, title, width))).append("</pre>\n")
          .append("<p>The objects after step ").append(s.number()).append(":</p>\n")
          .append("<div class=\"graph\">\n").append(SvgGraph.render(g, "s" + s.number() + "-"))
          .append("</div>\n</section>\n");
    }
    if (steps.isEmpty()) {
      sb.append("<p>The scenario has no step that ran.</p>\n");
    }
    sb.append("</main>\n<pre id=\"selftest\" hidden></pre>\n<script>\n").append(SCRIPT)
        .append("</script>\n</body>\n</html>\n");
    return sb.toString();
  }

  private static final String SCRIPT = """
      'use strict';
      const errors = [];
      window.addEventListener('error', ev => errors.push(String(ev.message)));
      const origError = console.error;
      console.error = (...args) => { errors.push(args.join(' ')); origError(...args); };
      const steps = Array.from(document.querySelectorAll('section.step'));
      let current = 0;
      function show(i) {
        if (steps.length === 0) { return; }
        current = Math.max(0, Math.min(steps.length - 1, i));
        steps.forEach((s, k) => { s.hidden = k !== current; });
        document.getElementById('where').textContent =
            ' step ' + (current + 1) + ' of ' + steps.length;
      }
      document.getElementById('first').addEventListener('click', () => show(0));
      document.getElementById('prev').addEventListener('click', () => show(current - 1));
      document.getElementById('next').addEventListener('click', () => show(current + 1));
      document.getElementById('last').addEventListener('click', () => show(steps.length - 1));
      document.addEventListener('keydown', ev => {
        if (ev.key === 'ArrowRight') { show(current + 1); }
        else if (ev.key === 'ArrowLeft') { show(current - 1); }
        else if (ev.key === 'Home') { show(0); }
        else if (ev.key === 'End') { show(steps.length - 1); }
      });
      show(0);
      function seen() {
        const s = steps.find(x => !x.hidden);
        const svg = s ? s.querySelector('svg') : null;
        const box = svg ? svg.getBoundingClientRect() : null;
        return {
          step: s ? Number(s.dataset.step) : 0,
          nodes: svg ? Array.from(svg.querySelectorAll('[data-key]'))
              .map(n => n.getAttribute('data-key')) : [],
          drawn: box ? box.width > 0 && box.height > 0 : false
        };
      }
      if (location.hash === '#selftest') {
        const before = seen();
        document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
        const after = seen();
        const out = document.getElementById('selftest');
        out.textContent = JSON.stringify({ steps: steps.length, before, after, errors });
        out.hidden = false;
      }
      """;

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
