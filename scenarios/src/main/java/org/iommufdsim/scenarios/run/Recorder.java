package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Item;
import org.iommufdsim.scenarios.ast.Outcome;
import org.iommufdsim.scenarios.ast.Pos;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.ast.Value;

/**
 * The transcript {@code record} prints: the scenario with every step's outcome replaced by what
 * actually happened: {@code ok} or the errno, then every output field as a literal, in the
 * order the call produced them. A field the source bound to a variable keeps the binding (so
 * later targets and arguments still work); a field the source checked but that is no output
 * stays, with the actual value. Replaying the transcript passes {@code check}.
 */
public final class Recorder {
  private Recorder() {}

  /** {@code runs} are the steps of {@code source}, in order, all of them. */
  public static Scenario record(Scenario source, List<StepRun> runs) {
    Iterator<StepRun> it = runs.iterator();
    List<Item> items = new ArrayList<>();
    for (Item item : source.items()) {
      if (item instanceof Step st) {
        if (!it.hasNext()) {
          throw new IllegalArgumentException("fewer runs than steps");
        }
        items.add(st.withOutcome(Optional.of(outcome(it.next(), true))));
      } else {
        items.add(item);
      }
    }
    return new Scenario(items);
  }

  /**
   * What happened in one step, as an outcome: with {@code keepBindings}, pairs that bound a
   * variable keep it (for transcripts that must replay); without, every value is a literal (for
   * people).
   */
  public static Outcome outcome(StepRun run, boolean keepBindings) {
    return outcome(run, keepBindings, false);
  }

  /**
   * With {@code symbolic}, a value whose field holds flags or an enum is spelled with the uAPI's
   * names ({@code IOMMU_PGFAULT_PERM_READ|IOMMU_PGFAULT_PERM_WRITE}), for people; transcripts
   * keep numbers, so what {@code record} writes does not depend on the name tables.
   */
  private static Outcome outcome(StepRun run, boolean keepBindings, boolean symbolic) {
    List<FieldArg> pairs = new ArrayList<>();
    for (Observation o : run.answer().observed().all()) {
      List<PairResult> named = run.pairs().stream()
          .filter(p -> p.observed().name().equals(o.name())).toList();
      for (PairResult p : named) {
        Value v = p.bound() && keepBindings ? p.pair().value() : shown(o, symbolic);
        pairs.add(new FieldArg(Pos.NONE, p.pair().path(), v));
      }
      if (named.isEmpty() && o.output()) {
        pairs.add(new FieldArg(Pos.NONE, o.display(), shown(o, symbolic)));
      }
    }
    return new Outcome(Pos.NONE, Optional.ofNullable(run.answer().result().errno()), pairs);
  }

  /**
   * The kernel's answer to a step for people: {@code ok} or the errno, the outcome's fields and
   * the outputs as literals, then the simulator's reason for a failure in parentheses.
   */
  public static String describe(StepRun run) {
    org.iommufdsim.sim.host.SysResult r = run.answer().result();
    Outcome o = outcome(run, false, true);
    String head = r.isOk() ? "ok" : r.errno().name();
    String fields = o.pairs().stream().map(org.iommufdsim.scenarios.format.Printer::field)
        .collect(java.util.stream.Collectors.joining(" "));
    String reason = r.isOk() || r.reason().isEmpty() ? "" : " (" + r.reason() + ")";
    return head + (fields.isEmpty() ? "" : " " + fields) + reason;
  }

  private static Value.Expr shown(Observation o, boolean symbolic) {
    return symbolic && o.group() != null ? new Value.Name(Pos.NONE, o.symbolic()) : literal(o);
  }

  static Value.Expr literal(Observation o) {
    String text = o.literal();
    return text.startsWith("-")
        ? new Value.Neg(Pos.NONE, text.substring(1))
        : new Value.Num(Pos.NONE, text);
  }
}
