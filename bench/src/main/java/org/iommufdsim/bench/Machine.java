package org.iommufdsim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One line on the machine a run was made on: CPU model, cores, memory, OS. */
final class Machine {
  private Machine() {}

  static String describe() throws IOException {
    String cpu = first(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
    String mem = first(Path.of("/proc/meminfo"), "MemTotal").map(m -> {
      long kb = Long.parseLong(m.replaceAll("[^0-9]", ""));
      return String.format("%.1f GiB RAM", kb / 1048576.0);
    }).orElse("RAM unknown");
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + mem + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  private static java.util.Optional<String> first(Path file, String key) throws IOException {
    if (!Files.isReadable(file)) {
      return java.util.Optional.empty();
    }
    List<String> lines = Files.readAllLines(file);
    return lines.stream().filter(l -> l.startsWith(key)).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).strip());
  }
}
