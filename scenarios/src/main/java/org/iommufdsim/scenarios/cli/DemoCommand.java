package org.iommufdsim.scenarios.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code demo}: the first stop of the guided tour. It runs lesson 01 as a narrated transcript,
 * then lists the tour's lessons and says how to go on (the next lesson's {@code explain}
 * command) and how to see the object graph.
 */
@Command(name = "demo", description = "The first stop of the guided tour: lesson 01 (an IOAS is "
    + "created, mapped, copied and unmapped), then the list of lessons and how to continue.")
final class DemoCommand implements Callable<Integer> {
  static final String DIR = "scenarios/teaching/";
  static final String FILE = DIR + "01-ioas-basics.scn";
  static final String RESOURCE = "/teaching/01-ioas-basics.scn";

  /** One lesson of the tour: its file name in {@link #DIR} and what it teaches, in one line. */
  record Lesson(String file, String summary) {}

  /** The tour, in the order a course would use it. A test keeps it equal to the directory. */
  static final List<Lesson> TOUR = List.of(
      new Lesson("01-ioas-basics.scn", "an IOAS and its mappings: map, copy, unmap, destroy"),
      new Lesson("02-reserved-regions.scn",
          "reserved regions and IOVA ranges: the aperture, the MSI window, EMSGSIZE"),
      new Lesson("03-device-auto-domain.scn",
          "a VFIO device: bind, attach to an IOAS, the auto domain, sharing, detach"),
      new Lesson("04-intel-vtd-nesting.scn",
          "nesting on Intel VT-d: a NEST_PARENT HWPT, a stage-1 HWPT, invalidation"),
      new Lesson("05-fault-id-valid.scn",
          "page requests: a fault queue, FAULT_ID_VALID, a fault read and answered"),
      new Lesson("06-arm-smmuv3-viommu.scn",
          "nesting on Arm SMMUv3: a vIOMMU, vdevices (virtual StreamIDs), a vEVENTQ"),
      new Lesson("07-dirty-tracking.scn",
          "dirty tracking for live migration: SET_DIRTY_TRACKING, GET_DIRTY_BITMAP"),
      new Lesson("08-close.scn",
          "what happens at close: who holds what, auto-responses, the release order"));

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Source src = Source.resource(FILE, RESOURCE);
    if (!(src instanceof Source.Loaded l)) {
      spec.commandLine().getErr().println(Source.problem(src));
      return Main.BAD_INPUT;
    }
    String title = l.scenario().title().orElse("IOAS basics");
    out.println("iommufd-sim demo: " + title);
    out.println("=".repeat(("iommufd-sim demo: " + title).length()));
    out.println();
    out.println("A process on the simulated host opens /dev/iommu and makes these calls,");
    out.println("exactly as a C program would; after each one is the simulated kernel's answer.");
    out.println();
    RunReport report = Runner.run(l.scenario(), false);
    Transcript t = new Transcript(out, FILE, true);
    t.print(l.scenario(), report.steps());
    out.println();
    t.end(report);
    out.println();
    printHowToContinue(out);
    return switch (report) {
      case RunReport.Finished f -> f.passed() ? Main.PASSED : Main.FAILED;
      case RunReport.Aborted a -> Main.BAD_INPUT;
    };
  }

  private static void printHowToContinue(PrintWriter out) {
    out.println("This was lesson 01 of the guided tour in " + DIR + ":");
    for (Lesson lesson : TOUR) {
      out.println("  " + DIR + lesson.file());
      out.println("      " + lesson.summary());
    }
    out.println();
    out.println("Continue with lesson 02: each step's checks in the kernel's order, the one that");
    out.println("decided, and what changed in the object graph:");
    out.println("  ./iommufd-sim explain " + DIR + TOUR.get(1).file());
    out.println("See the objects and who holds whom after any step (here step 8):");
    out.println("  ./iommufd-sim explain " + FILE + " \\");
    out.println("      --at 8 --graph text");
    out.println("Run this lesson yourself:");
    out.println("  ./iommufd-sim run " + FILE);
  }
}
