package org.iommufdsim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import org.iommufdsim.sim.host.CallPath;
import org.iommufdsim.sim.host.CheckCatalogue;
import org.iommufdsim.sim.host.CheckInfo;
import org.iommufdsim.sim.host.Decision;
import org.junit.jupiter.api.Test;

/**
 * Running the whole scenario library (teaching, conformance, regressions) with every system
 * call's decision path collected counts, per catalogued check, how often a scenario reaches it
 * and how often it decides a call; the checks no scenario makes refuse are listed in
 * {@code target/decision-coverage.txt} (and printed), as are failed calls whose deciding
 * check the simulator did not record.
 */
class DecisionCoverageTest {
  /** How often a check was reached and how often it refused. */
  private static final class Count {
    long reached;
    long refused;
  }

  @Test
  void theLibrary_reachesCatalogueChecks_andEveryFailureHasARecordedCause() throws IOException {
    Map<String, Count> counts = new TreeMap<>();
    for (CheckInfo c : CheckCatalogue.all()) {
      counts.put(c.id(), new Count());
    }
    List<String> unrecorded = new ArrayList<>();
    List<Path> files = Scn.libraryFiles("teaching", "conformance", "regressions");
    for (Path file : files) {
      String name = Scn.moduleDir().relativize(file).toString();
      RunReport r = Runner.run(Scn.parse(Files.readString(file)), false,
          UnaryOperator.identity(), host -> host.onDecisions(p -> tally(p, name, counts,
              unrecorded)));
      assertThat(r).as(name).isInstanceOf(RunReport.Finished.class);
    }
    List<String> neverRefused = new ArrayList<>();
    List<String> neverReached = new ArrayList<>();
    for (CheckInfo c : CheckCatalogue.all()) {
      Count n = counts.get(c.id());
      if (n.reached == 0) {
        neverReached.add(c.id());
      }
      if (n.refused == 0) {
        neverRefused.add(c.id() + "  (" + c.function() + ": " + c.subject() + " -> "
            + c.errno() + ")");
      }
    }
    StringBuilder report = new StringBuilder();
    report.append(files.size()).append(" scenarios, ").append(CheckCatalogue.all().size())
        .append(" checks; ").append(neverRefused.size()).append(" never decide a call, ")
        .append(neverReached.size()).append(" are never reached\n\n");
    report.append("never decide a call:\n");
    neverRefused.forEach(s -> report.append("  ").append(s).append('\n'));
    report.append("\nnever reached:\n");
    neverReached.forEach(s -> report.append("  ").append(s).append('\n'));
    report.append("\nfailures without a recorded deciding check (").append(unrecorded.size())
        .append("):\n");
    unrecorded.stream().distinct().forEach(s -> report.append("  ").append(s).append('\n'));
    Path out = Path.of("target", "decision-coverage.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    System.out.println(report);

    assertThat(unrecorded).as("failed calls whose deciding check was not recorded").isEmpty();
    assertThat(counts.get("DISPATCH_MIN_SIZE").refused).isPositive();
    assertThat(counts.get("HWPT_PAGING_FAULT_NEST_PARENT").refused).isPositive();
    assertThat(counts.get("IOAS_ALLOC_FLAGS").reached).isPositive();
  }

  private static void tally(CallPath p, String file, Map<String, Count> counts,
      List<String> unrecorded) {
    for (Decision d : p.decisions()) {
      if (d.checkId().equals(Decision.UNRECORDED)) {
        unrecorded.add(file + ": " + d.errno() + ": " + d.detail());
        continue;
      }
      Count n = counts.get(d.checkId());
      n.reached += d.times();
      if (d.refused()) {
        n.refused++;
      }
    }
  }
}
