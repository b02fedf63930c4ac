package org.iommufdsim.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The floors the simulator is measured against: what the JVM's own ordered map costs for the
 * same bookkeeping, and what reading the scenario file costs before any parsing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Floors {

  /** The object table's floor: an ordered map from int ID to object, put then remove. */
  @State(Scope.Thread)
  public static class ObjectMap {
    final TreeMap<Integer, Object> map = new TreeMap<>();
    final Object value = new Object();
    int key = 1;
  }

  @Benchmark
  public Object objectTablePutRemove(ObjectMap s) {
    s.map.put(s.key, s.value);
    return s.map.remove(s.key);
  }

  /** The IOAS area map's floor: unsigned-ordered long keys with {@code areas} live entries. */
  @State(Scope.Thread)
  public static class AreaMap {
    @Param({"1000", "10000", "100000", "1000000"})
    public int areas;

    TreeMap<Long, Object> map;
    final Object value = new Object();
    long key;

    @Setup(Level.Trial)
    public void fill() {
      map = new TreeMap<>(Long::compareUnsigned);
      for (int i = 0; i < areas; i++) {
        map.put(MapUnmap.areaIova(i), new Object());
      }
      key = MapUnmap.holeIova(areas);
    }
  }

  @Benchmark
  public Object areaMapInsertRemove(AreaMap s) {
    s.map.put(s.key, s.value);
    return s.map.remove(s.key);
  }

  /** Scenario parsing's floor: the generated scenario's file, read line by line. */
  @State(Scope.Benchmark)
  public static class ScenarioFile {
    Path file;

    @Setup(Level.Trial)
    public void write() throws IOException {
      file = Files.createTempFile("iommufd-sim-bench", ".scn");
      Files.writeString(file, GeneratedScenario.text(CheckThroughput.ROUNDS));
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      Files.deleteIfExists(file);
    }
  }

  /** One whole file per operation: {@code check}'s figure divides by the same step count. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void readLines(ScenarioFile s, Blackhole bh) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(s.file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        bh.consume(line);
      }
    }
  }
}
