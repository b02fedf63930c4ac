package org.iommufdsim.properties.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * Writes what a {@link RecordingSyscalls} saw as a {@code .scn} scenario in canonical form (what
 * {@code iommufd-sim fmt} prints), which {@code iommufd-sim check} replays on a fresh host.
 *
 * <p>File descriptors become variables {@code $fdN} (N the number the call returned, so a
 * reused number checks rather than rebinds). Each successful mmap binds {@code $mapK}, and a
 * user pointer into it is written {@code $mapK+OFFSET}, because the runner's own scratch memory
 * moves every address; an anonymous mapping no kept step names (the process's heap, where it
 * only built its structs) is left out. A pointer into no mapping is written as the number.
 * Object IDs are literals: the simulator is deterministic. Calls the language cannot express
 * (fcntl, a lone ftruncate, a call on an fd no call returned) become comments.
 */
public final class ScnTranscript {
  private static final int MAP_ANONYMOUS = 0x20;
  private static final int MAP_SHARED = 0x01;
  private static final int MAP_PRIVATE = 0x02;
  private static final int PROT_RW = 0x3;

  private ScnTranscript() {}

  /**
   * The recorded calls as a scenario for a host built from {@code config}: a {@code @title}, one
   * {@code @device} directive per device, then one step per call with the outcome it had.
   */
  public static String render(String title, HostConfig config, RecordingSyscalls calls) {
    return render(title, config, calls.calls());
  }

  /** Same, for a list of calls. */
  public static String render(String title, HostConfig config, List<Call> calls) {
    List<String> out = new ArrayList<>(directives(title, config));
    State st = new State(config.pageSize());
    st.scan(calls);
    List<Item> items = items(calls, st);
    boolean[] keep = keptMappings(items);
    if (!config.capSysResource()) {
      items.addFirst(Item.comment("the host ran without CAP_SYS_RESOURCE, which no directive"
          + " sets: this replay has it"));
    }
    boolean first = true;
    for (Item it : items) {
      if ((it.defines() >= 0 && !keep[it.defines()]) || (it.unmaps() >= 0 && !keep[it.unmaps()])) {
        continue;
      }
      if (first) {
        out.add("");
        first = false;
      }
      out.addAll(it.comments());
      if (!it.units().isEmpty()) {
        out.addAll(Text.wrap(it.units()));
      }
    }
    return String.join("\n", out) + "\n";
  }

  private static List<String> directives(String title, HostConfig config) {
    List<String> out = new ArrayList<>();
    out.add("@title " + Text.quote(title));
    if (config.pageSize() != HostConfig.DEFAULT_PAGE_SIZE) {
      out.add("@page_size " + config.pageSize());
    }
    for (DeviceSpec d : config.devices()) {
      List<String> units = new ArrayList<>();
      units.add("@device " + d.name());
      units.add("driver=" + d.driver());
      for (Map.Entry<String, String> o : d.options().entrySet()) {
        units.add(o.getKey() + "=" + o.getValue());
      }
      out.addAll(Text.wrap(units));
    }
    return out;
  }

  /** Which mappings stay: every one a kept step names, other than by unmapping it. */
  private static boolean[] keptMappings(List<Item> items) {
    int n = 0;
    for (Item it : items) {
      n = Math.max(n, it.defines() + 1);
      for (int r : it.refs()) {
        n = Math.max(n, r + 1);
      }
    }
    boolean[] keep = new boolean[n];
    for (Item it : items) {
      if (it.unmaps() < 0) {
        it.refs().forEach(r -> keep[r] = true);
      }
    }
    return keep;
  }

  private static List<Item> items(List<Call> calls, State st) {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      Call c = calls.get(i);
      if (c instanceof Call.MemfdCreate m && i + 1 < calls.size()
          && calls.get(i + 1) instanceof Call.Ftruncate t && foldable(m, t)) {
        items.add(memfd(m, t, st));
        i++;
        continue;
      }
      items.add(item(c, st));
    }
    return items;
  }

  private static boolean foldable(Call.MemfdCreate m, Call.Ftruncate t) {
    return m.result().isOk() && t.result().isOk() && t.fd() == m.result().value();
  }

  private static Item item(Call call, State st) {
    return switch (call) {
      case Call.Open c -> open(c, st);
      case Call.Close c -> close(c, st);
      case Call.Ioctl c -> IoctlStep.render(c, st);
      case Call.Read c -> FdSteps.read(c, st);
      case Call.Write c -> FdSteps.write(c, st);
      case Call.Poll c -> FdSteps.poll(c, st);
      case Call.Mmap c -> mmap(c, st);
      case Call.Munmap c -> munmap(c, st);
      case Call.Fcntl c -> Item.comment("fcntl(" + c.fd() + ", " + c.cmd() + ", "
          + Text.literal(c.arg()) + ") " + IoctlStep.outcomeText(c.result())
          + " (no step form; fd flags change nothing the simulator models)");
      case Call.MemfdCreate c -> memfd(c, null, st);
      case Call.Ftruncate c -> Item.comment("ftruncate(" + c.fd() + ", "
          + Text.literal(c.length()) + ") " + IoctlStep.outcomeText(c.result())
          + " (no step form: only memfd_create size=N sizes a memfd)");
      case Call.FailNth c -> Item.step(withOutcome(List.of("fail_nth", "n=" + c.n()),
          c.result(), List.of()), Set.of());
    };
  }

  private static Item open(Call.Open c, State st) {
    List<String> pairs = c.result().isOk() ? List.of("fd=" + st.bindFd(c.result().value()))
        : List.of();
    return Item.step(withOutcome(List.of("open", Text.quote(c.path())), c.result(), pairs),
        Set.of());
  }

  private static Item close(Call.Close c, State st) {
    if (!st.hasVar(c.fd())) {
      return Item.comment("close(" + c.fd() + ") " + IoctlStep.outcomeText(c.result())
          + ": no call returned this fd, so no step can name it");
    }
    if (c.result().isOk()) {
      st.closed(c.fd());
    }
    return Item.step(withOutcome(List.of(State.fdVar(c.fd()) + ": close"), c.result(),
        List.of()), Set.of());
  }

  private static Item memfd(Call.MemfdCreate m, Call.Ftruncate t, State st) {
    List<String> units = new ArrayList<>(List.of("memfd_create", Text.quote(m.name())));
    if (t != null) {
      units.add("size=" + Text.literal(t.length()));
    }
    List<String> pairs = m.result().isOk() ? List.of("fd=" + st.bindFd(m.result().value()))
        : List.of();
    Item it = Item.step(withOutcome(units, m.result(), pairs), Set.of());
    return m.flags() == 0 ? it : it.withComment("memfd_create flags=0x"
        + Integer.toHexString(m.flags()) + " (the step passes 0)");
  }

  private static Item mmap(Call.Mmap c, State st) {
    boolean anon = (c.flags() & MAP_ANONYMOUS) != 0;
    int type = c.flags() & (MAP_SHARED | MAP_PRIVATE);
    boolean plain = (type == MAP_SHARED || type == MAP_PRIVATE)
        && (c.flags() & ~(MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS)) == 0;
    if (!c.result().isOk() && (!plain || (anon && type == MAP_PRIVATE))) {
      return Item.comment("mmap(" + Text.literal(c.addr()) + ", " + Text.literal(c.length())
          + ", 0x" + Integer.toHexString(c.prot()) + ", 0x" + Integer.toHexString(c.flags())
          + ", " + c.fd() + ", " + Text.literal(c.offset()) + ") "
          + IoctlStep.outcomeText(c.result()) + " (no step makes this call)");
    }
    List<String> units = new ArrayList<>(List.of("mmap", "length=" + Text.literal(c.length())));
    if (!anon) {
      if (!st.hasVar(c.fd())) {
        return Item.comment("mmap of fd " + c.fd() + " " + IoctlStep.outcomeText(c.result())
            + ": no call returned this fd, so no step can name it");
      }
      units.add("fd=" + State.fdVar(c.fd()));
      if (c.offset() != 0) {
        units.add("offset=" + Text.literal(c.offset()));
      }
    }
    if (c.prot() != PROT_RW) {
      units.add("prot=" + Uapi.symbolic("mmap_prot", Integer.toUnsignedLong(c.prot())));
    }
    int k = c.result().isOk() ? st.addMapping(c.result().value(), c.length()) : -1;
    List<String> pairs = k >= 0 ? List.of("addr=$map" + k) : List.of();
    Item it = Item.step(withOutcome(units, c.result(), pairs),
        !anon && k >= 0 ? Set.of(k) : Set.of());
    if (anon && k >= 0) {
      it = it.defining(k);
    }
    if (type != MAP_SHARED) {
      it = it.withComment("mmap flags=0x" + Integer.toHexString(c.flags())
          + " (the step maps MAP_SHARED)");
    }
    return it;
  }

  private static Item munmap(Call.Munmap c, State st) {
    int k = st.mappingOf(c.addr());
    if (k < 0) {
      return Item.comment("munmap(" + Text.literal(c.addr()) + ", " + Text.literal(c.length())
          + ") " + IoctlStep.outcomeText(c.result()) + " (no mapping is there)");
    }
    Set<Integer> refs = new TreeSet<>();
    List<String> units = List.of("munmap", "addr=" + st.pointer(c.addr(), refs),
        "length=" + Text.literal(c.length()));
    return Item.step(withOutcome(units, c.result(), List.of()), Set.of()).unmapping(k);
  }

  /** {@code units} then {@code -> ok pairs...} or {@code -> ERRNO}; a bare ok is left out. */
  static List<String> withOutcome(List<String> units, SysResult r, List<String> pairs) {
    List<String> out = new ArrayList<>(units);
    if (!r.isOk()) {
      out.add("-> " + r.errno().name());
    } else if (!pairs.isEmpty()) {
      out.add("-> ok");
      out.addAll(pairs);
    }
    return out;
  }
}
