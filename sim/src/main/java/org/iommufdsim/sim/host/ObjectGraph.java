package org.iommufdsim.sim.host;

import java.util.List;
import java.util.Optional;

/**
 * What the kernel holds at one moment, as a graph: every live object of every iommufd context
 * (and each context itself) and every fd a process holds on iommufd's files, as {@link Node}s;
 * the references between them as {@link Edge}s labelled in the kernel's words ("attached at
 * PASID 1", "nests on", "reports faults to"). Built by {@link Host#objectGraph()}; immutable.
 *
 * <p>Order is part of the contract, so renderings are byte-stable: groups are the processes by
 * pid, then the contexts in the order they were opened; nodes come group by group, a process's
 * fds by number, a context's node first and then its objects by ID; edges come in the order of
 * their source node, each node's edges in a fixed order of relation, then target.
 *
 * @param groups where nodes live: one per process (its fds) and one per open iommufd context
 * @param nodes every node, in the order above
 * @param edges every reference, in the order above
 */
public record ObjectGraph(List<Group> groups, List<Node> nodes, List<Edge> edges) {
  public ObjectGraph {
    groups = List.copyOf(groups);
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /** The kinds of node; the kernel's object types plus the context and the fds that reach it. */
  public enum Kind {
    /** An fd in a process's table on an iommufd, VFIO device, fault, vEVENTQ or access file. */
    FD("fd"),
    /** An iommufd context (struct iommufd_ctx), i.e. one open of /dev/iommu or /dev/vfio/vfio. */
    CONTEXT("iommufd"),
    DEVICE("device"),
    HWPT_PAGING("HWPT paging"),
    HWPT_NESTED("HWPT nested"),
    IOAS("IOAS"),
    ACCESS("access"),
    FAULT("fault queue"),
    VIOMMU("vIOMMU"),
    VDEVICE("vDEVICE"),
    VEVENTQ("vEVENTQ"),
    HW_QUEUE("HW queue"),
    /** The selftest object of IOMMU_TEST_OP_MOCK_DOMAIN (struct selftest_obj). */
    SELFTEST("selftest");

    private final String noun;

    Kind(String noun) {
      this.noun = noun;
    }

    /** How a person names this kind ("HWPT paging", "fault queue", "vIOMMU"). */
    public String noun() {
      return noun;
    }
  }

  /** What an edge means; each constant's {@link #phrase()} is the edge's base label. */
  public enum Relation {
    /** fd -> the object or context whose file it is. */
    FD_OF("fd of"),
    /** context -> its VFIO compatibility IOAS (ictx->vfio_ioas). */
    COMPAT_IOAS("VFIO compat IOAS"),
    /** selftest object -> the device it bound (selftest_obj->idev.idev). */
    MOCK_DEVICE("binds"),
    /** device -> HWPT, per PASID (iommufd_group's pasid_attach). */
    ATTACHED("attached"),
    /** paging HWPT -> the IOAS whose mappings fill its domain (hwpt_paging->ioas). */
    MAPS_THROUGH("maps through"),
    /** auto-created paging HWPT -> its IOAS (hwpt_paging->auto_domain). */
    AUTO_DOMAIN_OF("auto domain of"),
    /** nested HWPT -> its parent; vIOMMU -> its nesting parent HWPT. */
    NESTS_ON("nests on"),
    /** nested HWPT -> the vIOMMU it was allocated on (hwpt_nested->viommu). */
    ALLOCATED_ON("allocated on"),
    /** HWPT -> the fault queue its I/O page faults go to (hwpt->fault). */
    REPORTS_FAULTS_TO("reports faults to"),
    /** vDEVICE or HW queue -> its vIOMMU. */
    BELONGS_TO("belongs to"),
    /** vDEVICE -> the device it stands for in the vIOMMU (vdev->idev). */
    VIRTUALIZES("virtualizes"),
    /** vEVENTQ -> the vIOMMU whose events it queues (veventq->viommu). */
    QUEUES_EVENTS_OF("queues events of"),
    /** HW queue -> the internal access that pins its guest memory (hw_queue->access). */
    PINS_THROUGH("pins through"),
    /** HW queue -> the queue it was allocated after and depends on. */
    DEPENDS_ON("depends on"),
    /** access -> the IOAS it is attached to (access->ioas). */
    ACCESSES("accesses");

    private final String phrase;

    Relation(String phrase) {
      this.phrase = phrase;
    }

    public String phrase() {
      return phrase;
    }
  }

  /**
   * Where nodes live: a process ({@code key} "pN") or an iommufd context ({@code key} "cN",
   * whose own node has the same key).
   */
  public record Group(String key, String label) {}

  /** One named value shown on a node, e.g. {@code areas=2} or {@code flags=NEST_PARENT}. */
  public record Field(String name, String value) {}

  /**
   * One node.
   *
   * @param key unique and stable across steps: "pP.fdN" for fd N of process P, "cC" for the
   *     C-th context opened, "cC.oI" for object ID I in it
   * @param kind what it is
   * @param group the key of the group it is in
   * @param id the object ID, the fd number, or the context's ordinal
   * @param label a short title, e.g. {@code "IOAS 2"} or {@code "fd 3"}
   * @param fields its key fields, in a fixed order per kind
   */
  public record Node(String key, Kind kind, String group, int id, String label,
      List<Field> fields) {
    public Node {
      fields = List.copyOf(fields);
    }

    /** The value of the field {@code name}, if the node shows it. */
    public Optional<String> field(String name) {
      return fields.stream().filter(f -> f.name().equals(name)).map(Field::value).findFirst();
    }
  }

  /**
   * One reference.
   *
   * @param from the key of the node holding the reference
   * @param to the key of the node referred to
   * @param relation what it means
   * @param label the relation's phrase, made precise where needed ("attached at PASID 1",
   *     "attached (RID)")
   */
  public record Edge(String from, String to, Relation relation, String label) {}

  /** The node with this key, if any. */
  public Optional<Node> node(String key) {
    return nodes.stream().filter(n -> n.key().equals(key)).findFirst();
  }

  /** The nodes of one kind, in graph order. */
  public List<Node> nodes(Kind kind) {
    return nodes.stream().filter(n -> n.kind() == kind).toList();
  }
}
