package org.iommufdsim.scenarios.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** qemu-logs/port-made.log is exactly what the port prints today (after its # header). */
class PortMadeLogTest {
  static final Path FILE = Path.of("qemu-logs/port-made.log");

  @Test
  void portMadeLog_isThePortsCurrentOutput() throws IOException {
    List<String> made = PortMadeLog.make();
    if (Boolean.getBoolean("replay.regenerate")) {
      List<String> header = Files.readAllLines(FILE).stream()
          .takeWhile(l -> l.startsWith("#")).toList();
      Files.write(FILE, java.util.stream.Stream.concat(header.stream(), made.stream()).toList());
    }
    List<String> body = Files.readAllLines(FILE).stream()
        .filter(l -> !l.startsWith("#")).toList();
    assertThat(body).isEqualTo(made);
  }
}
