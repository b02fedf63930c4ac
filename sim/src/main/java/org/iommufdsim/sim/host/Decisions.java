package org.iommufdsim.sim.host;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.kernel.decide.Check;
import org.iommufdsim.sim.kernel.decide.DecisionLog;
import org.iommufdsim.sim.kernel.decide.SysCheck;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.Errno;

/** Renders a task's decision log (ids and numbers) as public {@link Decision}s, on demand. */
final class Decisions {
  /** A subject that is one field (shown as "field = value"), not a condition. */
  private static final java.util.regex.Pattern FIELD =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\[\\]]*");

  private Decisions() {}

  /**
   * The path of the logged call. A failed call's path is cut after the refusal that decided it
   * (the clean-up that runs after is not part of the decision); when no recorded refusal
   * answers the call's errno, an {@link Decision#UNRECORDED} marker ends the path.
   */
  static List<Decision> of(DecisionLog log) {
    Errno result = log.resultErrno();
    int end = log.size();
    boolean explained = result == null;
    if (result != null) {
      for (int i = log.size() - 1; i >= 0; i--) {
        if (log.refused(i) && decides(log, i, result)) {
          end = i + 1;
          explained = true;
          break;
        }
      }
    }
    List<Decision> out = new ArrayList<>(end + 1);
    for (int i = 0; i < end; i++) {
      out.add(decision(log, i, result));
    }
    if (log.elided() > 0) {
      int at = !out.isEmpty() && out.getLast().refused() ? out.size() - 1 : out.size();
      out.add(at, new Decision(Decision.ELIDED, "...", "...", false, null, log.elided(),
          log.elided() + " more checks passed; the path keeps at most " + DecisionLog.CAPACITY));
    }
    if (!explained) {
      out.add(new Decision(Decision.UNRECORDED, "?", "?", true, result, 1,
          "no recorded check decided this; the simulator's reason: " + log.resultReason()));
    }
    return List.copyOf(out);
  }

  /**
   * The log's events placed in {@code path} (the decisions {@link #of} made of the same log):
   * each after the decisions logged before it, counting the elision marker where it stands;
   * events after the end of a failed call's path (its clean-up) are left out.
   */
  static List<PathEvent> events(DecisionLog log, List<Decision> path) {
    if (log.eventCount() == 0) {
      return List.of();
    }
    int kept = 0;
    int elidedAt = -1;
    for (int i = 0; i < path.size(); i++) {
      String id = path.get(i).checkId();
      if (id.equals(Decision.ELIDED)) {
        elidedAt = i;
      } else if (!id.equals(Decision.UNRECORDED)) {
        kept++;
      }
    }
    // a failed call whose deciding check is on the path: what came after it is clean-up
    boolean decided = log.resultErrno() != null && !path.isEmpty()
        && !path.getLast().checkId().equals(Decision.UNRECORDED);
    List<PathEvent> out = new ArrayList<>();
    for (int i = 0; i < log.eventCount(); i++) {
      int at = log.eventAt(i);
      if (decided && at >= kept) {
        break;
      }
      at = Math.min(at, kept);
      if (elidedAt >= 0 && at > elidedAt) {
        at++;
      }
      out.add(new PathEvent(at, log.event(i).function(), org.iommufdsim.sim.kernel.iommufd
          .EventText.of(log.event(i), log.eventA(i), log.eventB(i), log.eventX(i),
              log.eventY(i))));
    }
    if (log.eventsElided() > 0 && out.size() == log.eventCount()) {
      out.add(new PathEvent(out.getLast().after(), "...", log.eventsElided()
          + " more events not kept; the path keeps at most " + DecisionLog.CAPACITY));
    }
    return List.copyOf(out);
  }

  private static boolean decides(DecisionLog log, int i, Errno result) {
    Errno chosen = log.chosenErrno(i);
    if (chosen != null) {
      return chosen == result;
    }
    Check c = log.check(i);
    return c == SysCheck.FAIL_NTH || c.errno() == null || c.errno() == result;
  }

  private static Decision decision(DecisionLog log, int i, Errno result) {
    Check c = log.check(i);
    boolean refused = log.refused(i);
    Errno errno = !refused ? null : log.chosenErrno(i) != null ? log.chosenErrno(i)
        : c.errno() != null ? c.errno() : result != null ? result : Errno.ENOMEM;
    String detail;
    String function = c.function();
    if (c == SysCheck.FAIL_NTH) {
      detail = "fail-nth fired at " + log.note(i);
      function = log.note(i);
    } else if (log.note(i) != null) {
      detail = c.explanation() + ": " + log.note(i);
    } else if (log.hasValue(i)) {
      String what = FIELD.matcher(c.subject()).matches() ? c.subject() + " =" : "value";
      detail = c.explanation() + " (" + what + " " + U64.hex(log.value(i)) + ")";
    } else {
      detail = c.explanation();
    }
    return new Decision(c.id(), function, c.subject(), refused, errno, log.times(i), detail);
  }
}
