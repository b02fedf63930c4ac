package org.iommufdsim.properties.suites.guests;

import java.util.TreeSet;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.Program;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void dump() {
    TreeSet<String> lines = new TreeSet<>();
    VtdPrqMachine m = new VtdPrqMachine();
    for (long seed = 0; seed < 30; seed++) {
      VtdWorld[] holder = new VtdWorld[1];
      var mm = new org.iommufdsim.properties.engine.StateMachine<VtdWorld>() {
        public String name() { return "x"; }
        public VtdWorld init(long s) { holder[0] = m.init(s); return holder[0]; }
        public java.util.List<ActionType<VtdWorld>> actions() { return m.actions(); }
        public java.util.List<Invariant<VtdWorld>> invariants() { return m.invariants(); }
      };
      Program.run(mm, seed, Choices.fresh(seed), 40);
      lines.addAll(holder[0].qemu.stderr().lines());
    }
    lines.forEach(l -> System.out.println("ERR " + l));
  }
}
