package org.iommufdsim.scenarios.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.scenarios.Scn;
import org.junit.jupiter.api.Test;

/**
 * Every scenario of the library, run through a recording process surface and rendered as a
 * transcript, replays: the transcript is canonical, passes {@code check}, and leaves the
 * simulator in the same state as the original run.
 */
class LibraryRoundTripTest {

  @Test
  void everyLibraryScenario_roundTripsThroughItsTranscript() throws IOException {
    List<String> problems = new ArrayList<>();
    List<Path> files = Scn.libraryFiles("teaching", "conformance", "regressions");
    int passed = 0;
    for (Path p : files) {
      RoundTrip.Result r = RoundTrip.of(Scn.parse(Files.readString(p)), p.getFileName().toString());
      String problem = r.problem();
      if (problem == null && !r.original().stateDump().equals(r.replay().stateDump())) {
        problem = "the replay's state dump differs:\n" + r.original().stateDump() + "\n----\n"
            + r.replay().stateDump();
      }
      if (problem == null && r.transcript().contains("mmap length=0x40000000")) {
        problem = "the runner's own scratch memory shows in the transcript";
      }
      if (problem == null && !RoundTrip.normalized(r.original().trace())
          .equals(RoundTrip.normalized(r.replay().trace()))) {
        problem = "the replay's kernel trace differs: "
            + RoundTrip.firstDifference(r.original().trace(), r.replay().trace());
      }
      if (problem == null) {
        passed++;
      } else {
        problems.add(p.getFileName() + ": " + problem + "\n" + r.transcript());
      }
    }
    System.out.println("round trip: " + passed + " of " + files.size());
    problems.forEach(x -> System.out.println("FAILED " + x.lines().limit(1).findFirst().orElse("")));
    if (System.getProperty("transcript.dump") != null) {
      problems.forEach(x -> System.out.println("=====\n" + x));
    }
    assertThat(problems).as(String.join("\n\n", problems.subList(0, Math.min(3, problems.size())))
        + "\n(" + problems.size() + " failures)").isEmpty();
  }
}
