package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import org.iommufdsim.scenarios.run.StepRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code check FILE...}: {@code PASS FILE} or {@code FAIL FILE:LINE: expected ..., got ...} per
 * file, then {@code N passed, M failed}; exit 0 only when every file passed.
 */
@Command(name = "check", description = "Check every outcome of the given scenarios.")
final class CheckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = ".scn files")
  List<String> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int passed = 0;
    for (String f : files) {
      Optional<String> failure = check(Source.file(f));
      out.println(failure.map(why -> "FAIL " + why).orElse("PASS " + f));
      passed += failure.isEmpty() ? 1 : 0;
    }
    int failed = files.size() - passed;
    out.println(passed + " passed, " + failed + " failed");
    return failed == 0 ? Main.PASSED : Main.FAILED;
  }

  /** Why the file fails ({@code FILE:LINE: ...}), or empty when it passes. */
  static Optional<String> check(Source src) {
    if (!(src instanceof Source.Loaded l)) {
      return Optional.of(Source.problem(src));
    }
    String file = l.name();
    return switch (Runner.check(l.scenario())) {
      case RunReport.Aborted a -> Optional.of(a.error().render(file));
      case RunReport.Finished f -> firstMismatch(file, f.steps())
          .or(() -> f.violations().stream().findFirst().map(v -> file + ":"
              + l.scenario().lastLine() + ": expected the simulator's invariants to hold "
              + "after exit, got " + v + more(f.violations().size())));
    };
  }

  private static Optional<String> firstMismatch(String file, List<StepRun> steps) {
    return steps.stream().flatMap(s -> s.mismatches().stream()).findFirst()
        .map(m -> m.render(file));
  }

  private static String more(int n) {
    return n > 1 ? " (and " + (n - 1) + " more)" : "";
  }
}
