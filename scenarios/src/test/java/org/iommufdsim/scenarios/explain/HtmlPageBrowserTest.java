package org.iommufdsim.scenarios.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.cli.Main;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code explain --html} page in a real headless browser (Debian's Chromium, which
 * {@code scripts/setup-browser} installs and {@code scripts/test} runs first): the page's own
 * self-test (its {@code #selftest} mode) reports that it loaded with no script error, showed
 * step 1 with its graph drawn, and after one step forward, through the keyboard's handler,
 * showed step 2 with the objects that step created.
 */
class HtmlPageBrowserTest {
  @TempDir Path dir;

  private static Path chromium() {
    for (String c : List.of(System.getenv().getOrDefault("IOMMUFDSIM_CHROMIUM", ""),
        "/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (!c.isEmpty() && Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    return null;
  }

  @Test
  void thePage_loadsWithoutErrors_showsStepOne_andSteppingShowsTheNewObjects()
      throws IOException, InterruptedException {
    Path browser = chromium();
    Assumptions.assumeTrue(browser != null,
        "no Chromium: run scripts/setup-browser (scripts/test does) to check the HTML page");
    Path page = dir.resolve("lesson.html");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"explain",
        Scn.moduleDir().resolve("teaching/05-fault-id-valid.scn").toString(),
        "--html", page.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    String html = Files.readString(page);
    // self-contained: nothing fetched (the SVG's xmlns names a namespace, not a resource)
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
        .doesNotContain("http://").doesNotContain("https://").doesNotContain("<link")
        .doesNotContain(" src=").doesNotContain("@import");
    assertThat(html).doesNotContainPattern("url\\((?!#)");

    Process p = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--user-data-dir=" + dir.resolve("profile"), "--dump-dom",
        page.toUri() + "#selftest").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("Chromium finished").isTrue();
    Matcher m = Pattern.compile("<pre id=\"selftest\">([^<]*)</pre>").matcher(dom);
    assertThat(m.find()).as("the page's self-test ran in the browser: " + dom.length()
        + " bytes of DOM").isTrue();
    String report = m.group(1).replace("&quot;", "\"");
    // lesson 05: step 1 allocates the IOAS; step 2 (IOMMU_TEST_OP_MOCK_DOMAIN) adds the mock
    // device, its selftest object and its auto domain
    assertThat(report).contains("\"errors\":[]")
        .contains("\"before\":{\"step\":1,")
        .contains("\"after\":{\"step\":2,");
    String after = report.substring(report.indexOf("\"after\""));
    String before = report.substring(report.indexOf("\"before\""), report.indexOf("\"after\""));
    assertThat(before).contains("\"drawn\":true");
    assertThat(after).contains("\"drawn\":true");
    assertThat(nodes(before)).contains("\"c1.o1\"").doesNotContain("\"c1.o3\"");
    assertThat(nodes(after)).contains("\"c1.o1\"", "\"c1.o2\"", "\"c1.o3\"", "\"c1.o4\"");
  }

  private static List<String> nodes(String part) {
    Matcher m = Pattern.compile("\"nodes\":\\[([^\\]]*)\\]").matcher(part);
    assertThat(m.find()).isTrue();
    return m.group(1).isEmpty() ? List.of() : List.of(m.group(1).split(","));
  }
}
