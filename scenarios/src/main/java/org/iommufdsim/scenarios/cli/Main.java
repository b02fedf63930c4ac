package org.iommufdsim.scenarios.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.iommufdsim.scenarios.replay.QemuReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code iommufd-sim} command line. Exit codes: 0 success; 1 a scenario ran but did not
 * pass (an outcome or an invariant failed); 2 a usage error, or a file that cannot be read or
 * parsed; 70 an internal error (a bug in the simulator or the runner, reported in one line).
 */
@Command(
    name = "iommufd-sim",
    mixinStandardHelpOptions = true,
    version = "iommufd-sim 0.1.0 (Linux v7.0 iommufd uAPI)",
    description = "A deterministic simulator of Linux's iommufd, driven by .scn scenarios.",
    subcommands = {
      RunCommand.class,
      CheckCommand.class,
      RecordCommand.class,
      FmtCommand.class,
      DemoCommand.class,
      QemuReplayCommand.class,
      ExploreCommand.class,
      ExplainCommand.class,
      GraphCommand.class
    })
public final class Main implements Runnable {
  static final int PASSED = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int INTERNAL = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing command: run, check, record, fmt, demo, qemu-replay, explore or graph");
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the CLI with the given streams and returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(o);
    cl.setErr(e);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> internalError(ex, e));
    try {
      return cl.execute(args);
    } catch (RuntimeException | Error ex) {
      return internalError(ex, e);
    } finally {
      o.flush();
      e.flush();
    }
  }

  static int internalError(Throwable ex, PrintWriter err) {
    String msg = ex.getMessage() == null ? "" : ": " + ex.getMessage().replace('\n', ' ');
    err.println("iommufd-sim: internal error: " + ex.getClass().getName() + msg);
    err.flush();
    return INTERNAL;
  }
}
