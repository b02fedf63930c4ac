package org.iommufdsim.sim.kernel.iommufd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.host.ObjectGraph;
import org.iommufdsim.sim.host.ObjectGraph.Edge;
import org.iommufdsim.sim.host.ObjectGraph.Field;
import org.iommufdsim.sim.host.ObjectGraph.Group;
import org.iommufdsim.sim.host.ObjectGraph.Kind;
import org.iommufdsim.sim.host.ObjectGraph.Node;
import org.iommufdsim.sim.host.ObjectGraph.Relation;
import org.iommufdsim.sim.kernel.Kernel;
import org.iommufdsim.sim.kernel.Task;
import org.iommufdsim.sim.kernel.fs.KFile;
import org.iommufdsim.sim.kernel.iopt.IoptArea;
import org.iommufdsim.sim.kernel.util.U64;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * Builds the {@link ObjectGraph} of a kernel from the objects' own references: it only reads
 * the model, so building it never changes a trace, an errno or a fail-nth count. Each edge
 * names the field of the kernel struct it mirrors.
 */
public final class GraphBuilder {
  private final List<Group> groups = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Edge> edges = new ArrayList<>();
  /** Model object -> node key, looked up by identity (graphs are small: a linear scan). */
  private final List<Object> owners = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();

  private GraphBuilder() {}

  /** The graph of everything {@code kernel} holds right now. */
  public static ObjectGraph build(Kernel kernel) {
    GraphBuilder b = new GraphBuilder();
    List<IommufdFile> contexts = kernel.contexts();
    for (IommufdFile ctx : contexts) {
      b.index(ctx);
    }
    List<Node> fdNodes = new ArrayList<>();
    List<Edge> fdEdges = new ArrayList<>();
    for (Task t : kernel.tasks()) {
      b.process(t, contexts, fdNodes, fdEdges);
    }
    b.nodes.addAll(0, fdNodes);
    b.edges.addAll(0, fdEdges);
    return new ObjectGraph(b.groups, b.nodes, b.edges);
  }

  // ---- contexts and their objects ----

  private void index(IommufdFile ctx) {
    String c = "c" + ctx.serial();
    groups.add(new Group(c, "iommufd context " + ctx.serial() + " (" + ctx.describe()
        + ", opened by pid " + ctx.creator().pid() + ")"));
    remember(ctx, c);
    List<IommufdObject> live = ctx.objects().live();
    for (IommufdObject o : live) {
      remember(o, c + ".o" + o.id());
    }
    nodes.add(new Node(c, Kind.CONTEXT, c, ctx.serial(), "iommufd " + ctx.serial(),
        List.of(new Field("file", ctx.describe()),
            new Field("opened_by", "pid " + ctx.creator().pid()))));
    if (ctx.vfioIoas() != null) {
      edge(ctx, ctx.vfioIoas(), Relation.COMPAT_IOAS, Relation.COMPAT_IOAS.phrase());
    }
    for (IommufdObject o : live) {
      int first = edges.size();
      nodes.add(new Node(keyOf(o), kind(o), c, o.id(), kind(o).noun() + " " + o.id(),
          fields(o)));
      references(o);
      List<Edge> mine = new ArrayList<>(edges.subList(first, edges.size()));
      mine.sort(Comparator.comparing(Edge::relation));
      edges.subList(first, edges.size()).clear();
      edges.addAll(mine);
    }
  }

  /** How the graph names {@code o}: its kind and ID, e.g. {@code HWPT nested 5}. */
  public static String label(IommufdObject o) {
    return kind(o).noun() + " " + o.id();
  }

  private static Kind kind(IommufdObject o) {
    return switch (o) {
      case Ioas _ -> Kind.IOAS;
      case HwptPaging _ -> Kind.HWPT_PAGING;
      case HwptNested _ -> Kind.HWPT_NESTED;
      case Device _ -> Kind.DEVICE;
      case Fault _ -> Kind.FAULT;
      case Selftest _ -> Kind.SELFTEST;
      case Viommu _ -> Kind.VIOMMU;
      case Vdevice _ -> Kind.VDEVICE;
      case Veventq _ -> Kind.VEVENTQ;
      case HwQueue _ -> Kind.HW_QUEUE;
      case Access _ -> Kind.ACCESS;
    };
  }

  private static List<Field> fields(IommufdObject o) {
    return switch (o) {
      case Ioas x -> ioasFields(x);
      case HwPagetable x -> hwptFields(x);
      case Device x -> List.of(new Field("name", x.dev.name()),
          new Field("driver", x.dev.driver().name()));
      case Fault x -> List.of(new Field("pending", String.valueOf(x.deliver.size())),
          new Field("awaiting_response", String.valueOf(x.response.size())));
      case Selftest x -> x.mockDev == null ? List.of()
          : List.of(new Field("mock_device", x.mockDev.name()));
      case Viommu x -> List.of(new Field("type", Uapi.symbolic("iommu_viommu_type", x.vtype)),
          new Field("iommu", x.instance));
      case Vdevice x -> List.of(new Field("virt_id", U64.hex(x.virtId)));
      case Veventq x -> veventqFields(x);
      case HwQueue x -> List.of(new Field("type", Uapi.symbolic("iommu_hw_queue_type", x.qtype)),
          new Field("index", String.valueOf(x.index)), new Field("base_addr", U64.hex(x.baseIova)),
          new Field("length", U64.hex(x.length)));
      case Access x -> List.of(new Field("user", x.internal ? "internal (HW queue)"
          : "selftest"), new Field("pinned_ranges", String.valueOf(x.internal ? x.pins.size()
          : x.items.size())));
    };
  }

  private static List<Field> ioasFields(Ioas ioas) {
    long mapped = 0;
    for (IoptArea a : ioas.iopt().areas().values()) {
      mapped += a.last() - a.iova() + 1;
    }
    return List.of(new Field("areas", String.valueOf(ioas.iopt().areas().size())),
        new Field("mapped", U64.hex(mapped)));
  }

  /**
   * The IOMMU_HWPT_ALLOC_* flags the HWPT was made with, read back from what they left: NEST_PARENT
   * and PASID are kept as such; DIRTY_TRACKING is the domain's dirty-tracking ops (drivers
   * install them exactly when asked, and IOMMU_HWPT_SET_DIRTY_TRACKING checks the same ops);
   * FAULT_ID_VALID is hwpt->fault.
   */
  private static List<Field> hwptFields(HwPagetable h) {
    List<String> flags = new ArrayList<>();
    boolean dirtyOps = h.domain != null && h.domain.hasDirtyOps();
    if (h instanceof HwptPaging p && p.nestParent) {
      flags.add("NEST_PARENT");
    }
    if (h instanceof HwptPaging && dirtyOps) {
      flags.add("DIRTY_TRACKING");
    }
    if (h.fault != null) {
      flags.add("FAULT_ID_VALID");
    }
    if (h.pasidCompat) {
      flags.add("PASID");
    }
    List<Field> out = new ArrayList<>();
    out.add(new Field("flags", flags.isEmpty() ? "0" : String.join("|", flags)));
    if (h instanceof HwptPaging && dirtyOps) {
      out.add(new Field("dirty_tracking", h.domain.dirtyTracking() ? "on" : "off"));
    }
    if (h instanceof HwptPaging p && p.autoDomain) {
      out.add(new Field("auto_domain", "yes"));
    }
    return out;
  }

  private static List<Field> veventqFields(Veventq q) {
    List<Field> out = new ArrayList<>();
    out.add(new Field("type", Uapi.symbolic("iommu_veventq_type", q.vtype)));
    out.add(new Field("depth", String.valueOf(q.depth)));
    out.add(new Field("queued", String.valueOf(q.numEvents)));
    if (!q.deliver.isEmpty() && q.deliver.peekLast().lost()) {
      out.add(new Field("lost_events", "yes"));
    }
    return out;
  }

  /** The object's outgoing references, each from the struct field named in its comment. */
  private void references(IommufdObject o) {
    switch (o) {
      case Ioas _ -> { }
      case HwptPaging x -> {
        Relation r = x.autoDomain ? Relation.AUTO_DOMAIN_OF : Relation.MAPS_THROUGH;
        edge(x, x.ioas, r, r.phrase()); // hwpt_paging->ioas
        faultEdge(x);
      }
      case HwptNested x -> {
        edge(x, x.parent, Relation.NESTS_ON, Relation.NESTS_ON.phrase()); // hwpt_nested->parent
        if (x.viommu != null) {
          edge(x, x.viommu, Relation.ALLOCATED_ON, Relation.ALLOCATED_ON.phrase());
        }
        faultEdge(x);
      }
      case Device x -> attachments(x);
      case Fault _ -> { }
      case Selftest x -> {
        if (x.idev != null) {
          edge(x, x.idev, Relation.MOCK_DEVICE, Relation.MOCK_DEVICE.phrase());
        }
      }
      case Viommu x -> edge(x, x.hwpt, Relation.NESTS_ON, Relation.NESTS_ON.phrase());
      case Vdevice x -> {
        edge(x, x.viommu, Relation.BELONGS_TO, Relation.BELONGS_TO.phrase());
        edge(x, x.idev, Relation.VIRTUALIZES, Relation.VIRTUALIZES.phrase());
      }
      case Veventq x -> edge(x, x.viommu, Relation.QUEUES_EVENTS_OF,
          Relation.QUEUES_EVENTS_OF.phrase());
      case HwQueue x -> {
        edge(x, x.viommu, Relation.BELONGS_TO, Relation.BELONGS_TO.phrase());
        edge(x, x.access, Relation.PINS_THROUGH, Relation.PINS_THROUGH.phrase());
        edge(x, x.dependsOn, Relation.DEPENDS_ON, Relation.DEPENDS_ON.phrase());
      }
      case Access x -> edge(x, x.ioas, Relation.ACCESSES, Relation.ACCESSES.phrase());
    }
  }

  private void faultEdge(HwPagetable h) {
    edge(h, h.fault, Relation.REPORTS_FAULTS_TO, Relation.REPORTS_FAULTS_TO.phrase());
  }

  /** igroup->pasid_attach: the RID (IOMMU_NO_PASID) first, then each PASID in order. */
  private void attachments(Device idev) {
    for (Map.Entry<Integer, IommufdGroup.Attach> e : idev.igroup.pasidAttach.entrySet()) {
      IommufdGroup.Attach a = e.getValue();
      if (a.hwpt == null || !a.devices.contains(idev)) {
        continue;
      }
      int pasid = e.getKey();
      edge(idev, a.hwpt, Relation.ATTACHED, pasid == DeviceCore.NO_PASID ? "attached (RID)"
          : "attached at PASID " + Integer.toUnsignedString(pasid));
    }
  }

  // ---- processes and their fds ----

  private void process(Task t, List<IommufdFile> contexts, List<Node> fdNodes,
      List<Edge> fdEdges) {
    String p = "p" + t.pid();
    boolean any = false;
    for (Map.Entry<Integer, KFile> e : t.fds().entrySet()) {
      KFile f = e.getValue();
      Object target = fileTarget(f, contexts);
      if (target == null && !(f instanceof VfioDeviceFile)) {
        continue;
      }
      if (!any) {
        groups.add(groups.size() - contexts.size(), new Group(p, "process " + t.pid()));
        any = true;
      }
      String key = p + ".fd" + e.getKey();
      fdNodes.add(new Node(key, Kind.FD, p, e.getKey(), "fd " + e.getKey(),
          List.of(new Field("file", f.describe()))));
      String to = target == null ? null : keyOf(target);
      if (to != null) {
        fdEdges.add(new Edge(key, to, Relation.FD_OF, Relation.FD_OF.phrase()));
      }
    }
  }

  /** The context or object a file belongs to, or null (an unbound device, another file). */
  private static Object fileTarget(KFile f, List<IommufdFile> contexts) {
    return switch (f) {
      case IommufdFile ctx -> ctx;
      case AccessFile af -> af.access;
      case FaultFile _ -> owner(f, contexts);
      case VeventqFile _ -> owner(f, contexts);
      case VfioDeviceFile _ -> owner(f, contexts);
      default -> null;
    };
  }

  /** The object whose file {@code f} is: fault->filep, veventq->filep, a device's cdev. */
  private static IommufdObject owner(KFile f, List<IommufdFile> contexts) {
    for (IommufdFile ctx : contexts) {
      for (IommufdObject o : ctx.objects().live()) {
        boolean mine = switch (o) {
          case Fault x -> x.file == f;
          case Veventq x -> x.file == f;
          case Device x -> x.dev.boundFile() == f;
          default -> false;
        };
        if (mine) {
          return o;
        }
      }
    }
    return null;
  }

  // ---- keys ----

  private void remember(Object owner, String key) {
    owners.add(owner);
    keys.add(key);
  }

  private String keyOf(Object owner) {
    for (int i = 0; i < owners.size(); i++) {
      if (owners.get(i) == owner) {
        return keys.get(i);
      }
    }
    return null;
  }

  /** An edge, if both ends are nodes (a reference to a destroyed object is not drawn). */
  private void edge(Object from, Object to, Relation r, String label) {
    String a = keyOf(from);
    String b = to == null ? null : keyOf(to);
    if (a != null && b != null) {
      edges.add(new Edge(a, b, r, label));
    }
  }
}
