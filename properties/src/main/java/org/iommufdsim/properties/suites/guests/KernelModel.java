package org.iommufdsim.properties.suites.guests;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommufdsim.sim.host.Host;

/**
 * The properties' own view of the kernel, rebuilt from the kernel's trace of the process's
 * calls (and the read/write payloads of {@link PayloadTap}), never from the port's state: live
 * objects by ID, each HWPT's fault queue, each device's attachment per PASID, and each fault
 * queue's page-request groups (queued, then awaiting a response under a cookie). The kernel's
 * rules it applies are uAPI rules (kernel-spec §5: cookies are the lowest free value from 1, a
 * replace or detach answers the attachment's groups, destroying the queue answers the rest).
 * After every step {@link #disagreement(Host)} compares it with {@code host.stateDump()}.
 */
final class KernelModel {
  /** One page-request group as the kernel holds it. */
  record Group(int pasid, int grpid, int hwpt, String attachKey, long perm, long addr) {}

  /** A fault queue: its fd, groups not read yet (FIFO) and groups read (by cookie). */
  static final class FaultQ {
    final int fd;
    final ArrayDeque<Group> deliver = new ArrayDeque<>();
    final TreeMap<Integer, Group> awaiting = new TreeMap<>();

    FaultQ(int fd) {
      this.fd = fd;
    }
  }

  /** A response write the kernel took: which queue, cookie, code, and the group it answered. */
  record Answer(int faultId, int cookie, int code, Group group, boolean accepted) {}

  /** Records read from a fault fd: the queue, and the groups (with cookies) the reader got. */
  record Delivery(int faultId, int cookie, Group group, PayloadTap.Pgfault record) {}

  private static final Pattern DUMP_OBJ = Pattern.compile("^\\s+id (\\d+) ([A-Z_]+)(.*)$");
  private static final Pattern DUMP_FAULT = Pattern.compile("pending=(\\d+) awaiting=(\\d+)");

  final TreeMap<Integer, String> objects = new TreeMap<>();
  final TreeMap<Integer, Integer> hwptFault = new TreeMap<>();
  /** Each HWPT's and vIOMMU's parent ({@code pt_id}, {@code hwpt_id}). */
  final TreeMap<Integer, Integer> parent = new TreeMap<>();
  final TreeMap<String, Integer> attach = new TreeMap<>();
  /** Attachments the kernel undid after an EFAULT copying pt_id back (device left detached). */
  final java.util.TreeSet<String> undone = new java.util.TreeSet<>();
  final TreeMap<Integer, FaultQ> faults = new TreeMap<>();
  /** The driver data each live HWPT was allocated with. */
  final TreeMap<Integer, byte[]> hwptData = new TreeMap<>();
  /** The driver data of this step's HWPT allocations and invalidations (looked up, never iterated). */
  final java.util.IdentityHashMap<KernelCall, byte[]> callData = new java.util.IdentityHashMap<>();
  final Map<Integer, Integer> devidToFd;
  /** Bound device fds (fd → device ID) and the iommufd's fd (-1 until seen). */
  final TreeMap<Integer, Integer> deviceFds = new TreeMap<>();
  int iommufdFd = -1;
  private final PayloadTap tap;
  private int cursor;

  // what the last step did, as the kernel answered it
  final List<KernelCall> stepCalls = new ArrayList<>();
  final List<Answer> stepAnswers = new ArrayList<>();
  final List<Delivery> stepDeliveries = new ArrayList<>();
  final List<String> stepProblems = new ArrayList<>();

  KernelModel(Host host, Map<Integer, Integer> devidToFd, PayloadTap tap,
      Map<String, Integer> initialAttach) {
    this.devidToFd = devidToFd;
    this.tap = tap;
    for (String l : host.stateDump().lines().toList()) {
      Matcher m = DUMP_OBJ.matcher(l);
      if (m.matches()) {
        objects.put(Integer.parseInt(m.group(1)), m.group(2));
      }
    }
    attach.putAll(initialAttach);
    devidToFd.forEach((devid, fd) -> deviceFds.put(fd, devid));
    cursor = host.trace().size();
    while (tap != null && tap.take() != null) {
      // reads and writes before the model started are not ours
    }
    if (tap != null) {
      tap.clearData();
    }
  }

  static String key(int devFd, int pasid) {
    return devFd + "/" + pasid;
  }

  /** Starts a step: forgets what the last step did. */
  void beginStep() {
    callData.clear();
    stepCalls.clear();
    stepAnswers.clear();
    stepDeliveries.clear();
    stepProblems.clear();
  }

  /** Applies every call the kernel traced since the last call (adding to this step's). */
  List<KernelCall> advance(Host host) {
    int firstCall = stepCalls.size();
    int firstAnswer = stepAnswers.size();
    List<String> trace = host.trace();
    for (String l : trace.subList(cursor, trace.size())) {
      KernelCall c = KernelCall.parse(l);
      if (c != null && !(c.fd() == KernelCall.NO_FD && ("read".equals(c.syscall())
          || "write".equals(c.syscall())))) {
        stepCalls.add(c);
        apply(c);
      }
    }
    cursor = trace.size();
    lastAnswers = List.copyOf(stepAnswers.subList(firstAnswer, stepAnswers.size()));
    return List.copyOf(stepCalls.subList(firstCall, stepCalls.size()));
  }

  /** The answers of the calls the last {@link #advance} applied. */
  List<Answer> lastAnswers = List.of();

  private void apply(KernelCall c) {
    if ("read".equals(c.syscall()) || "write".equals(c.syscall())) {
      PayloadTap.Io io = tap == null ? null : tap.take();
      if (io != null) {
        if (io.write()) {
          applyWrite(c, io);
        } else {
          applyRead(c, io);
        }
      }
      return;
    }
    if (tap != null && (c.isIoctl("IOMMU_HWPT_ALLOC") || c.isIoctl("IOMMU_HWPT_INVALIDATE"))) {
      byte[] d = tap.takeData();
      callData.put(c, d);
      if (c.ok() && c.isIoctl("IOMMU_HWPT_ALLOC")) {
        hwptData.put((int) c.out("out_hwpt_id"), d);
      }
    }
    if (!c.ok() && c.isIoctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT")
        && c.line().contains("copy_to_user(pt_id)")) {
      // the attach (or replace) was done, then undone by a detach when the ID could not be
      // copied back (vfio_df_ioctl_attach_pt's out_detach): the PASID is left detached
      int pasid = (c.in("flags") & 1) != 0 ? (int) c.in("pasid") : 0;
      String k = key(c.fd(), pasid);
      Integer old = attach.remove(k);
      if (old != null) {
        autoRespond(old, k);
      }
      undone.add(k);
      return;
    }
    if (c.ok() && "close".equals(c.syscall())) {
      closed(c.fd());
      return;
    }
    if (!c.ok() || !"ioctl".equals(c.syscall())) {
      return;
    }
    switch (c.request()) {
      case "IOMMU_HWPT_ALLOC" -> {
        int id = (int) c.out("out_hwpt_id");
        objects.put(id, c.in("data_type") == 0 ? "HWPT_PAGING" : "HWPT_NESTED");
        parent.put(id, (int) c.in("pt_id"));
        if ((c.in("flags") & 4) != 0) {
          hwptFault.put(id, (int) c.in("fault_id"));
        }
      }
      case "IOMMU_FAULT_QUEUE_ALLOC" -> {
        int id = (int) c.out("out_fault_id");
        objects.put(id, "FAULT");
        faults.put(id, new FaultQ((int) c.out("out_fault_fd")));
      }
      case "IOMMU_VIOMMU_ALLOC" -> {
        objects.put((int) c.out("out_viommu_id"), "VIOMMU");
        parent.put((int) c.out("out_viommu_id"), (int) c.in("hwpt_id"));
      }
      case "IOMMU_VDEVICE_ALLOC" -> objects.put((int) c.out("out_vdevice_id"), "VDEVICE");
      case "IOMMU_VEVENTQ_ALLOC" -> objects.put((int) c.out("out_veventq_id"), "VEVENTQ");
      case "IOMMU_DESTROY" -> destroy((int) c.in("id"));
      case "IOMMU_IOAS_ALLOC" -> {
        objects.put((int) c.out("out_ioas_id"), "IOAS");
        iommufdFd = c.fd();
      }
      case "VFIO_DEVICE_BIND_IOMMUFD" -> {
        objects.put((int) c.out("out_devid"), "DEVICE");
        deviceFds.put(c.fd(), (int) c.out("out_devid"));
      }
      case "VFIO_DEVICE_ATTACH_IOMMUFD_PT" -> {
        int pasid = (c.in("flags") & 1) != 0 ? (int) c.in("pasid") : 0;
        String k = key(c.fd(), pasid);
        undone.remove(k);
        Integer old = attach.put(k, (int) c.in("pt_id"));
        if (old != null && old != (int) c.in("pt_id")) {
          autoRespond(old, k);
        }
      }
      case "VFIO_DEVICE_DETACH_IOMMUFD_PT" -> {
        int pasid = (c.in("flags") & 1) != 0 ? (int) c.in("pasid") : 0;
        String k = key(c.fd(), pasid);
        Integer old = attach.remove(k);
        if (old != null) {
          autoRespond(old, k);
        }
      }
      case "IOMMU_TEST_CMD" -> {
        if (c.in("op") == 0xf) {
          triggerIopf(c);
        }
      }
      default -> { }
    }
  }

  private void closed(int fd) {
    Integer devid = deviceFds.remove(fd);
    if (devid != null) {
      objects.remove(devid);
      attach.keySet().removeIf(k -> k.startsWith(fd + "/"));
    } else if (fd == iommufdFd) {
      objects.clear();
      hwptData.clear();
      parent.clear();
      hwptFault.clear();
      faults.clear();
      attach.clear();
      iommufdFd = -1;
    }
  }

  private void destroy(int id) {
    objects.remove(id);
    hwptData.remove(id);
    parent.remove(id);
    hwptFault.remove(id);
    faults.remove(id);
  }

  private void autoRespond(int hwpt, String k) {
    Integer f = hwptFault.get(hwpt);
    FaultQ q = f == null ? null : faults.get(f);
    if (q == null) {
      return;
    }
    q.deliver.removeIf(g -> g.hwpt() == hwpt && g.attachKey().equals(k));
    q.awaiting.values().removeIf(g -> g.hwpt() == hwpt && g.attachKey().equals(k));
  }

  private void triggerIopf(KernelCall c) {
    Integer devFd = devidToFd.get((int) c.in("trigger_iopf.dev_id"));
    if (devFd == null) {
      return;
    }
    int pasid = (int) c.in("trigger_iopf.pasid");
    String k = key(devFd, pasid);
    Integer hwpt = attach.get(k);
    Integer f = hwpt == null ? null : hwptFault.get(hwpt);
    if (f != null && faults.containsKey(f)) {
      faults.get(f).deliver.addLast(new Group(pasid, (int) c.in("trigger_iopf.grpid"), hwpt, k,
          c.in("trigger_iopf.perm"), c.in("trigger_iopf.addr")));
    }
  }

  private Integer faultOfFd(int fd) {
    for (Map.Entry<Integer, FaultQ> e : faults.entrySet()) {
      if (e.getValue().fd == fd) {
        return e.getKey();
      }
    }
    return null;
  }

  private void applyRead(KernelCall c, PayloadTap.Io io) {
    Integer f = faultOfFd(c.fd());
    if (f == null) {
      return;
    }
    FaultQ q = faults.get(f);
    for (PayloadTap.Pgfault rec : io.faults()) {
      Group g = q.deliver.pollFirst();
      int cookie = 1;
      while (q.awaiting.containsKey(cookie)) {
        cookie++;
      }
      if (g == null || g.grpid() != rec.grpid() || cookie != rec.cookie()) {
        stepProblems.add("read from fault " + f + " gave grpid " + rec.grpid() + " cookie "
            + rec.cookie() + ", the model expected " + (g == null ? "no group"
            : "grpid " + g.grpid() + " cookie " + cookie));
        if (g == null) {
          continue;
        }
      }
      q.awaiting.put(rec.cookie(), g);
      stepDeliveries.add(new Delivery(f, rec.cookie(), g, rec));
    }
  }

  private void applyWrite(KernelCall c, PayloadTap.Io io) {
    Integer f = faultOfFd(c.fd());
    if (f == null) {
      for (long[] r : io.responses()) {
        stepAnswers.add(new Answer(0, (int) r[0], (int) r[1], null, false));
      }
      return;
    }
    FaultQ q = faults.get(f);
    long taken = c.ok() ? c.value() / 8 : 0;
    for (int i = 0; i < io.responses().size(); i++) {
      long[] r = io.responses().get(i);
      int cookie = (int) r[0];
      boolean accepted = i < taken;
      Group g = accepted ? q.awaiting.remove(cookie) : q.awaiting.get(cookie);
      if (accepted && g == null) {
        stepProblems.add("the kernel took cookie " + cookie + " on fault " + f
            + " that the model had not awaiting");
      }
      if (!accepted && g != null && (r[1] == 0 || r[1] == 1)) {
        stepProblems.add("the kernel refused cookie " + cookie + " on fault " + f
            + " that the model had awaiting");
      }
      stepAnswers.add(new Answer(f, cookie, (int) r[1], g, accepted));
      if (!accepted) {
        break;
      }
    }
  }

  /** Compares the model with the kernel's own dump; null when they agree. */
  String disagreement(Host host) {
    TreeMap<Integer, String> dumped = new TreeMap<>();
    TreeMap<Integer, String> faultCounts = new TreeMap<>();
    for (String l : host.stateDump().lines().toList()) {
      Matcher m = DUMP_OBJ.matcher(l);
      if (m.matches()) {
        dumped.put(Integer.parseInt(m.group(1)), m.group(2));
        Matcher fc = DUMP_FAULT.matcher(m.group(3));
        if ("FAULT".equals(m.group(2)) && fc.find()) {
          faultCounts.put(Integer.parseInt(m.group(1)), fc.group(1) + "/" + fc.group(2));
        }
      }
    }
    if (!dumped.equals(objects)) {
      return "objects: kernel " + dumped + ", model " + objects;
    }
    for (Map.Entry<Integer, String> e : faultCounts.entrySet()) {
      FaultQ q = faults.get(e.getKey());
      String mine = q == null ? "?" : q.deliver.size() + "/" + q.awaiting.size();
      if (!mine.equals(e.getValue())) {
        return "fault " + e.getKey() + " pending/awaiting: kernel " + e.getValue() + ", model "
            + mine;
      }
    }
    return stepProblems.isEmpty() ? null : String.join("; ", stepProblems);
  }

  /** The groups a fault queue still holds: queued and awaiting. */
  List<Group> groups(int faultId) {
    List<Group> out = new ArrayList<>();
    FaultQ q = faults.get(faultId);
    if (q != null) {
      out.addAll(q.deliver);
      out.addAll(q.awaiting.values());
    }
    return out;
  }

  /** The IOMMU_DESTROY calls of the last step the kernel refused. */
  List<KernelCall> refusedDestroys() {
    List<KernelCall> out = new ArrayList<>();
    for (KernelCall c : stepCalls) {
      if (c.isIoctl("IOMMU_DESTROY") && !c.ok()) {
        out.add(c);
      }
    }
    return out;
  }

  /** HWPT allocations of the last step whose FAULT_ID_VALID flag and fault_id disagree. */
  List<KernelCall> faultIdMismatches() {
    List<KernelCall> out = new ArrayList<>();
    for (KernelCall c : stepCalls) {
      if (c.isIoctl("IOMMU_HWPT_ALLOC")
          && ((c.in("flags") & 4) != 0) != (c.in("fault_id") != 0)) {
        out.add(c);
      }
    }
    return out;
  }
}
