package org.iommufdsim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The run as Markdown: the machine, the targets with their ratios and verdicts, the MAP/UNMAP
 * scaling curve, and every JMH figure with its error (JMH's 99.9% confidence half-width).
 */
final class Report {
  private static final String PKG = "org.iommufdsim.bench.";
  private static final int[] AREAS = {1_000, 10_000, 100_000, 1_000_000};

  private final Collection<RunResult> results;
  private final StringBuilder sb = new StringBuilder();

  private Report(Collection<RunResult> results) {
    this.results = results;
  }

  /** A score with its error, in nanoseconds per operation or in operations per second. */
  record Fig(double score, double error) {
    Fig over(Fig other) {
      double r = score / other.score;
      double e = r * Math.hypot(rel(this), rel(other));
      return new Fig(r, e);
    }

    /** The relative error; NaN (shown as {@code ?}) when JMH could not give one. */
    private static double rel(Fig f) {
      return f.error / f.score;
    }

    String show(String fmt) {
      String s = String.format(Locale.ROOT, fmt, score);
      return Double.isNaN(error) ? s + " ± ?" : s + " ± " + String.format(Locale.ROOT, fmt, error);
    }
  }

  static String render(Collection<RunResult> results, Extras.Measured extras, Path facts,
      String args) throws IOException {
    Report r = new Report(results);
    r.header(args);
    r.targets(extras, facts);
    r.scaling();
    r.everything();
    return r.sb.toString();
  }

  private void header(String args) throws IOException {
    sb.append("## Latest run\n\n");
    sb.append("- date: ").append(LocalDate.now()).append('\n');
    sb.append("- machine: ").append(Machine.describe()).append('\n');
    sb.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(" (")
        .append(System.getProperty("java.vm.vendor")).append(")\n");
    sb.append("- command: `./scripts/bench").append(args.isEmpty() ? "" : " " + args)
        .append("`, JMH 1.37");
    results.stream().findFirst().map(RunResult::getParams).ifPresent(p -> sb.append(", ")
        .append(p.getForks()).append(" fork(s) per benchmark; warm-up and measurement as each")
        .append(" benchmark declares unless overridden"));
    sb.append("\n- errors: JMH's 99.9% confidence half-width (`?` when there were too few")
        .append(" iterations to give one)\n\n");
  }

  private void targets(Extras.Measured extras, Path facts) throws IOException {
    sb.append("### Targets\n\n| target | measured | limit | verdict |\n| --- | --- | --- | --- |\n");
    Optional<Fig> floor = avg("Floors.objectTablePutRemove");
    for (String tracing : new String[] {"false", "true"}) {
      Optional<Fig> ioas = avg("ObjectLifecycle.ioasAllocDestroy", "tracing", tracing);
      Optional<Fig> ratio = both(ioas, floor);
      row("IOAS_ALLOC + DESTROY via ioctl (tracing " + (tracing.equals("true") ? "on" : "off")
              + ") / bare TreeMap put+remove",
          ratio.map(f -> f.show("%.2f") + "x (" + ioas.get().show("%.0f") + " ns vs "
              + floor.get().show("%.1f") + " ns)"),
          "≤ 5x", ratio.map(f -> f.score() <= 5));
    }
    Optional<Fig> small = avg("MapUnmap.mapUnmap", "areas", "1000");
    Optional<Fig> big = avg("MapUnmap.mapUnmap", "areas", "1000000");
    Optional<Fig> growth = both(big, small);
    row("IOAS_MAP + UNMAP: cost at 1M live areas / at 1k", growth.map(f -> f.show("%.2f")
        + "x (" + big.get().show("%.0f") + " ns vs " + small.get().show("%.0f") + " ns)"),
        "≤ 2x", growth.map(f -> f.score() <= 2));
    Optional<Fig> steps = secondary("CheckThroughput.generatedScenario", "steps");
    row("`check` on a generated " + GeneratedScenario.steps(CheckThroughput.ROUNDS)
        + "-step scenario", steps.map(f -> f.show("%,.0f") + " steps/s"), "≥ 200,000 steps/s",
        steps.map(f -> f.score() >= 200_000));
    Optional<Fig> read = avg("Floors.readLines");
    Optional<Fig> readRate = read.map(f -> {
      double perSecond = GeneratedScenario.steps(CheckThroughput.ROUNDS) / (f.score() * 1e-9);
      return new Fig(perSecond, perSecond * f.error() / f.score());
    });
    row("floor: reading the same file line by line, in steps/s (`check` is " + both(readRate,
        steps).map(f -> f.show("%.0f") + "x slower").orElse("?") + ")",
        readRate.map(f -> f.show("%,.0f") + " steps/s"), "-", Optional.empty());
    Optional<Fig> lib = avg("CheckThroughput.conformanceLibrary");
    row("`check` of the conformance library, warm JVM", lib.map(f -> show(f, 1e-6, "%.0f")
        + " ms"), "< 2 s", lib.map(f -> f.score() < 2e9));
    coldRow(extras);
    Optional<Fig> flows = secondary("PropertyEngine.backendFlows", "actions");
    row("property engine: backend-flows actions", flows.map(f -> f.show("%,.0f") + " actions/s"),
        "≥ 50,000/s", flows.map(f -> f.score() >= 50_000));
    Optional<Fig> walk = secondary("PropertyEngine.ioasWalk", "actions");
    row("property engine on a one-ioctl-per-action machine (IoasWalk; for comparison)",
        walk.map(f -> f.show("%,.0f") + " actions/s"), "-", Optional.empty());
    Optional<Fig> shrink = avg("PropertyEngine.shrinkThousandActions");
    Path shrinkFacts = facts.resolve("shrink.txt");
    String how = Files.exists(shrinkFacts) ? " (" + Files.readString(shrinkFacts).strip() + ")"
        : "";
    row("shrinking a failure found after ~1,000 actions", shrink.map(f -> show(f, 1e-9, "%.2f")
        + " s" + how), "< 10 s", shrink.map(f -> f.score() < 10e9));
    heapRows(extras);
    sb.append('\n');
  }

  private void coldRow(Extras.Measured extras) {
    double[] s = extras.coldSeconds();
    if (extras.coldProblem() != null || s.length == 0) {
      row("`check` of the conformance library, cold (JVM start included)",
          Optional.ofNullable(extras.coldProblem()), "< 2 s", Optional.empty());
      return;
    }
    double mean = 0;
    double min = Double.MAX_VALUE;
    double max = 0;
    for (double v : s) {
      mean += v / s.length;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    row("`check` of the conformance library, cold (`java -cp benchmarks.jar ... check`, JVM"
            + " start included)",
        Optional.of(String.format(Locale.ROOT, "%.2f s (mean of %d; min %.2f, max %.2f)", mean,
            s.length, min, max)),
        "< 2 s", Optional.of(mean < 2));
  }

  private void heapRows(Extras.Measured extras) {
    if (extras.heaps().isEmpty()) {
      row("retained heap per live object", Optional.of("not run (--no-extras)"), "≤ 1 KiB",
          Optional.empty());
    }
    for (Extras.Heap h : extras.heaps()) {
      String what = String.format(Locale.ROOT, "retained heap, %,d live %s (`-Xmx1g`)",
          h.count(), h.kind().equals("ioas") ? "IOAS objects" : "IOVA areas in one IOAS");
      if (h.problem() != null) {
        row(what, Optional.of("failed: " + h.problem()), "≤ 1 KiB each, < 1 GiB",
            Optional.of(false));
        continue;
      }
      row(what, Optional.of(String.format(Locale.ROOT, "%.0f B each, %.0f MiB in all",
          h.perObject(), h.retained() / 1048576.0)), "≤ 1 KiB each, < 1 GiB",
          Optional.of(h.perObject() <= 1024 && h.retained() < (1L << 30)));
    }
  }

  private void scaling() {
    sb.append("### IOMMU_IOAS_MAP + IOMMU_IOAS_UNMAP against the number of live areas\n\n");
    sb.append("| live areas | map+unmap (ns per pair) | vs 1k | bare ordered map insert+remove"
        + " (ns) | vs floor |\n| ---: | ---: | ---: | ---: | ---: |\n");
    Optional<Fig> first = avg("MapUnmap.mapUnmap", "areas", "1000");
    for (int n : AREAS) {
      Optional<Fig> m = avg("MapUnmap.mapUnmap", "areas", Integer.toString(n));
      Optional<Fig> f = avg("Floors.areaMapInsertRemove", "areas", Integer.toString(n));
      sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s |\n", n,
          m.map(x -> x.show("%.0f")).orElse("not run"),
          both(m, first).map(x -> x.show("%.2f") + "x").orElse("-"),
          f.map(x -> x.show("%.1f")).orElse("not run"),
          both(m, f).map(x -> x.show("%.0f") + "x").orElse("-")));
    }
    sb.append('\n');
  }

  private void everything() {
    sb.append("### Every figure\n\n| benchmark | params | mode | score | error | unit |"
        + " secondary |\n| --- | --- | --- | ---: | ---: | --- | --- |\n");
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      Result<?> primary = r.getPrimaryResult();
      List<String> params = new ArrayList<>();
      for (String k : p.getParamsKeys()) {
        params.add(k + "=" + p.getParam(k));
      }
      List<String> secondary = new ArrayList<>();
      r.getSecondaryResults().forEach((k, v) -> secondary.add(k + " " + fmt(v.getScore())
          + " ± " + fmt(v.getScoreError()) + " " + v.getScoreUnit()));
      sb.append("| ").append(p.getBenchmark().replace(PKG, "")).append(" | ")
          .append(String.join(" ", params)).append(" | ").append(p.getMode().shortLabel())
          .append(" | ").append(fmt(primary.getScore())).append(" | ")
          .append(fmt(primary.getScoreError())).append(" | ").append(primary.getScoreUnit())
          .append(" | ").append(String.join("; ", secondary)).append(" |\n");
    }
    sb.append('\n');
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "?";
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String show(Fig nanos, double scale, String fmt) {
    return new Fig(nanos.score() * scale, nanos.error() * scale).show(fmt);
  }

  private void row(String what, Optional<String> measured, String limit,
      Optional<Boolean> met) {
    sb.append("| ").append(what).append(" | ").append(measured.orElse("not run")).append(" | ")
        .append(limit).append(" | ")
        .append(met.map(m -> m ? "met" : "**missed**").orElse("-")).append(" |\n");
  }

  private static Optional<Fig> both(Optional<Fig> a, Optional<Fig> b) {
    return a.isPresent() && b.isPresent() ? Optional.of(a.get().over(b.get())) : Optional.empty();
  }

  /** An average-time or single-shot result in nanoseconds per operation. */
  private Optional<Fig> avg(String name, String... param) {
    return find(name, param).map(r -> {
      Result<?> p = r.getPrimaryResult();
      double scale = nanos(p.getScoreUnit());
      return new Fig(p.getScore() * scale, p.getScoreError() * scale);
    });
  }

  /** A throughput counter ({@code @AuxCounters}) in operations per second. */
  private Optional<Fig> secondary(String name, String counter) {
    return find(name).map(r -> r.getSecondaryResults().get(counter)).map(res -> {
      if (!res.getScoreUnit().equals("ops/s")) {
        throw new IllegalStateException(name + ": unit " + res.getScoreUnit());
      }
      return new Fig(res.getScore(), res.getScoreError());
    });
  }

  private Optional<RunResult> find(String name, String... param) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().equals(PKG + name))
        .filter(r -> param.length == 0 || param[1].equals(r.getParams().getParam(param[0])))
        .findFirst();
  }

  private static double nanos(String unit) {
    return switch (unit) {
      case "ns/op" -> 1;
      case "us/op" -> 1e3;
      case "ms/op" -> 1e6;
      case "s/op" -> 1e9;
      default -> throw new IllegalStateException("unexpected unit " + unit);
    };
  }
}
