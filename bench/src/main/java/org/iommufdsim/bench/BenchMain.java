package org.iommufdsim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code ./scripts/bench}: runs the JMH benchmarks (any JMH option passes through: {@code -f 1
 * -wi 2 -i 3}, a regex of benchmarks to run...), then the measurements JMH cannot make in its
 * own forks (retained heap, a cold {@code check} of the conformance library), and prints the
 * report as Markdown, also written to {@code bench/results/latest.md}. Options of its own
 * (anywhere among JMH's): {@code --no-extras} skips the measurements outside JMH; {@code --out
 * FILE} writes the report elsewhere; {@code --update-readme} also puts it into
 * {@code bench/README.md}, between its {@code <!-- bench:begin -->} and
 * {@code <!-- bench:end -->} lines.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws IOException, RunnerException {
    Path root = Path.of(System.getProperty("iommufdsim.root", ".")).toAbsolutePath().normalize();
    Path out = root.resolve("bench/results/latest.md");
    boolean extras = true;
    boolean readme = false;
    List<String> jmhArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--no-extras" -> extras = false;
        case "--update-readme" -> readme = true;
        case "--out" -> out = Path.of(args[++i]);
        default -> jmhArgs.add(args[i]);
      }
    }
    CommandLineOptions cl;
    try {
      cl = new CommandLineOptions(jmhArgs.toArray(String[]::new));
    } catch (CommandLineOptionException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (cl.shouldHelp()) {
      cl.showHelp();
      return;
    }
    if (cl.shouldList() || cl.shouldListWithParams()) {
      Runner runner = new Runner(cl);
      if (cl.shouldListWithParams()) {
        runner.listWithParams(cl);
      } else {
        runner.list();
      }
      return;
    }
    if (cl.shouldListProfilers() || cl.shouldListResultFormats()) {
      if (cl.shouldListProfilers()) {
        cl.listProfilers();
      } else {
        cl.listResultFormats();
      }
      return;
    }
    OptionsBuilder options = new OptionsBuilder();
    options.parent(cl);
    if (cl.getIncludes().isEmpty()) {
      options.include("org\\.iommufdsim\\.bench\\..*");
    }
    Path facts = Files.createTempDirectory("iommufd-sim-bench");
    System.setProperty("iommufdsim.bench.facts", facts.toString());
    List<String> append = new ArrayList<>(cl.getJvmArgsAppend().orElse(List.of()));
    append.add("-Diommufdsim.root=" + root);
    append.add("-Diommufdsim.bench.facts=" + facts);
    options.jvmArgsAppend(append.toArray(String[]::new));
    Collection<RunResult> results = new Runner(options.build()).run();
    Extras.Measured measured = extras ? Extras.measure(root) : Extras.Measured.none();
    String report = Report.render(results, measured, facts, String.join(" ", args));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    System.out.println();
    System.out.println(report);
    System.out.println("(written to " + out + ")");
    if (readme) {
      Path file = root.resolve("bench/README.md");
      Files.writeString(file, splice(Files.readString(file), report));
      System.out.println("(and spliced into " + file + ")");
    }
  }

  static final String BEGIN = "<!-- bench:begin -->";
  static final String END = "<!-- bench:end -->";

  /** {@code readme} with the text between its markers replaced by {@code report}. */
  static String splice(String readme, String report) {
    int b = readme.indexOf(BEGIN);
    int e = readme.indexOf(END);
    if (b < 0 || e < b) {
      throw new IllegalStateException("bench/README.md has no " + BEGIN + " ... " + END);
    }
    return readme.substring(0, b + BEGIN.length()) + "\n" + report + readme.substring(e);
  }
}
