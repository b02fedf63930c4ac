package org.iommufdsim.scenarios.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.iommufdsim.scenarios.ast.FieldArg;
import org.iommufdsim.scenarios.ast.Outcome;
import org.iommufdsim.scenarios.ast.Step;
import org.iommufdsim.scenarios.ast.Value;
import org.iommufdsim.scenarios.format.Printer;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.Errno;

/**
 * Compares a step's outcome with the kernel's answer: the errno (or success) first, then each
 * {@code field=value} pair in order. A pair whose value is an unbound variable binds it (even
 * when something else did not match, so that a {@code run} can go on).
 */
final class OutcomeCheck {
  private OutcomeCheck() {}

  static StepRun check(Step st, Answer a, Env env) {
    Optional<Outcome> outcome = st.outcome();
    Errno expected = outcome.flatMap(Outcome::errno).orElse(null);
    SysResult r = a.result();
    List<Mismatch> mismatches = new ArrayList<>();
    if (!Objects.equals(expected, r.errno())) {
      mismatches.add(new Mismatch(outcome.map(Outcome::pos).orElse(st.pos()),
          expected == null ? "ok" : expected.name(), describe(r)));
    }
    List<PairResult> pairs = new ArrayList<>();
    for (FieldArg p : outcome.map(Outcome::pairs).orElse(List.of())) {
      Observation o = a.observed().find(p.path()).orElseThrow(() -> Env.unknown(p.pos(),
          st.call().text() + " has no outcome field " + p.path() + " (it has "
              + a.observed().someNames() + ")"));
      if (p.value() instanceof Value.Var v && !env.isBound(v.name())) {
        env.bind(v.name(), o.value());
        pairs.add(new PairResult(p, o, true));
        continue;
      }
      pairs.add(new PairResult(p, o, false));
      if (!(p.value() instanceof Value.Expr e)) {
        throw Env.bad(p.value().pos(), p.path() + " takes an integer, not " + Env.kind(p.value()));
      }
      long want = Observation.mask(env.fit(e, o.width(), o.signed(), p.path()), o.width());
      if (want != o.masked()) {
        String shown = Printer.value(e);
        String wantLit = new Observation(o.name(), o.display(), want, o.width(), o.signed(), false)
            .literal();
        mismatches.add(new Mismatch(p.pos(),
            p.path() + "=" + shown + (shown.equals(wantLit) ? "" : " (" + wantLit + ")"),
            p.path() + "=" + o.literal()));
      }
    }
    return new StepRun(st, a, pairs, mismatches);
  }

  /** {@code ok}, or the errno and the kernel's reason. */
  static String describe(SysResult r) {
    if (r.isOk()) {
      return "ok";
    }
    return r.reason().isEmpty() ? r.errno().name() : r.errno().name() + " (" + r.reason() + ")";
  }
}
