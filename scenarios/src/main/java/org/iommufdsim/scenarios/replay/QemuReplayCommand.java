package org.iommufdsim.scenarios.replay;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qemu-replay LOG}: replays a QEMU {@code -trace 'iommufd*'} log through the backend
 * port on a fresh simulated host and prints one {@code LOG:LINE: ...} line per divergence or
 * malformed line, then the counts. Exit 0: consistent; 1: diverges; 2: the file cannot be
 * read (or a {@code --device} choice is not valid).
 */
@Command(name = "qemu-replay",
    description = "Replay a QEMU -trace 'iommufd*' log on the simulator and report divergences.")
public final class QemuReplayCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "LOG", description = "a QEMU log with iommufd trace lines")
  String log;

  @Option(names = "--device", paramLabel = "NAME=DRIVER[,KEY=VALUE...]",
      description = "the simulated device for the log's device NAME (a name from an "
          + "iommufd_cdev_connect_and_bind line, or devN for devid N); default: mock")
  List<String> devices = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<QemuReplay.DeviceChoice> choices = new ArrayList<>();
    for (String d : devices) {
      Optional<QemuReplay.DeviceChoice> c = QemuReplay.DeviceChoice.parse(d);
      if (c.isEmpty()) {
        err.println("qemu-replay: --device " + d + ": expected NAME=DRIVER[,KEY=VALUE...]");
        return 2;
      }
      choices.add(c.get());
    }
    List<String> lines;
    if (Files.isDirectory(Path.of(log))) {
      err.println(log + ": cannot read it (a directory)");
      return 2;
    }
    try {
      lines = Files.readAllLines(Path.of(log), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      String why = e instanceof MalformedInputException ? "not text" : e.getClass()
          .getSimpleName().replace("NoSuchFileException", "no such file")
          .replace("AccessDeniedException", "permission denied");
      err.println(log + ": cannot read it (" + why + ")");
      return 2;
    }
    QemuReplay.Result r;
    try {
      r = QemuReplay.replay(log, lines, choices);
    } catch (IllegalArgumentException e) {
      err.println("qemu-replay: " + e.getMessage());
      return 2;
    }
    r.lines().forEach(out::println);
    out.println(r.summary());
    return r.exitCode();
  }
}
