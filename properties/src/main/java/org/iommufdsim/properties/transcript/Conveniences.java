package org.iommufdsim.properties.transcript;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * The pointed-to data forms of the scenario language ({@code data={...}}, {@code data=[...]},
 * {@code allowed_iovas=[...]}, {@code num_iovas=N}, {@code data_len=N},
 * {@code bitmap_bytes=N}), used only when what the runner would lay out is what the call had:
 * the pointer is non-null, the length is the one the form implies, and the data was readable.
 * Otherwise the pointer and length stay plain fields and the content is not reproduced.
 */
final class Conveniences {
  /** Longer lists are left as plain pointers: a transcript is for people. */
  private static final long MAX_ENTRIES = 4096;
  /** The most ranges the runner lays out for {@code num_iovas=N}. */
  private static final long MAX_RANGES = 65536;

  private Conveniences() {}

  /**
   * The convenience arguments for one ioctl; adds to {@code covered} the struct fields they
   * fill in, which must not be named as well.
   */
  static List<String> render(String ioctl, CStruct s, byte[] img, Call.Ioctl c, State st,
      Set<Integer> refs, Set<String> covered) {
    return switch (ioctl) {
      case "IOMMU_HWPT_ALLOC" -> data(s, img, c, st, covered, Uapi.hwptDataStruct(
          get(s, img, "data_type")));
      case "IOMMU_VIOMMU_ALLOC" -> data(s, img, c, st, covered, Uapi.viommuDataStruct(
          get(s, img, "type")));
      case "IOMMU_HWPT_INVALIDATE" -> entries(s, img, c, st, covered);
      case "IOMMU_IOAS_ALLOW_IOVAS" -> ranges(s, img, c, covered);
      case "IOMMU_IOAS_IOVA_RANGES" -> outBuffer(s, img, c, st, "allowed_iovas", "num_iovas",
          MAX_RANGES, covered);
      case "IOMMU_GET_HW_INFO" -> outBuffer(s, img, c, st, "data_uptr", "data_len",
          IoctlCapture.MAX_OUT_BUFFER, covered);
      case "IOMMU_HWPT_GET_DIRTY_BITMAP" -> bitmap(s, img, c, st, covered);
      default -> List.of();
    };
  }

  /** {@code data={...}}: the driver data struct, with {@code data_len} named if it differs. */
  private static List<String> data(CStruct s, byte[] img, Call.Ioctl c, State st,
      Set<String> covered, Optional<CStruct> type) {
    long ptr = get(s, img, "data_uptr");
    long len = get(s, img, "data_len");
    if (ptr != 0 && len == 0 && type.isPresent() && !st.inDataMapping(ptr)) {
      covered.addAll(List.of("data_uptr", "data_len"));
      return List.of("data={}", "data_len=0");
    }
    if (ptr == 0 || len == 0 || type.isEmpty() || st.inDataMapping(ptr)) {
      return List.of();  // in a mapping of the process's own, the pointer itself is kept
    }
    CStruct ds = type.get();
    long need = Math.min(len, ds.size());
    byte[] p = c.pointee();
    if (p.length < need || !Structs.zeroFrom(p, ds.size())) {
      return List.of();
    }
    covered.add("data_uptr");
    if (len == ds.size()) {
      covered.add("data_len");
    }
    byte[] used = Arrays.copyOf(p, (int) need);
    return List.of("data=" + Structs.literal(ds, used, 0));
  }

  /**
   * {@code data=[{...} ...]}: invalidation entries of the struct the runner will pick. When the
   * call's {@code entry_len} is not that struct's size, the array's bytes are cut into pieces of
   * the struct's size instead, and {@code entry_len} and {@code entry_num} are named: the kernel
   * then reads exactly the bytes the call had. An array of no bytes at a non-null pointer is
   * one zero entry with both counts named.
   */
  private static List<String> entries(CStruct s, byte[] img, Call.Ioctl c, State st,
      Set<String> covered) {
    long ptr = get(s, img, "data_uptr");
    long num = get(s, img, "entry_num");
    long len = get(s, img, "entry_len");
    Optional<CStruct> es = Uapi.invalidateEntryStruct(get(s, img, "data_type"),
        st.isViommu(get(s, img, "hwpt_id")));
    long total = num * len;
    if (ptr != 0 && total == 0 && es.isPresent() && !st.inDataMapping(ptr)) {
      covered.addAll(List.of("data_uptr", "entry_len", "entry_num"));
      return List.of("data=[{}]", "entry_len=" + Text.literal(len),
          "entry_num=" + Text.literal(num));
    }
    if (ptr == 0 || num == 0 || len == 0 || es.isEmpty() || c.pointee().length < total) {
      return List.of();
    }
    int size = es.get().size();
    long pieces = (total + size - 1) / size;
    if (pieces > MAX_ENTRIES) {
      return List.of();
    }
    covered.add("data_uptr");
    if (len == size) {
      covered.addAll(List.of("entry_len", "entry_num"));
    }
    byte[] bytes = Arrays.copyOf(c.pointee(), (int) (pieces * size));
    StringJoiner j = new StringJoiner(" ", "data=[", "]");
    for (int i = 0; i < pieces; i++) {
      j.add(Structs.literal(es.get(), bytes, i * size));
    }
    return List.of(j.toString());
  }

  /** {@code allowed_iovas=[{start=A last=B} ...]}. */
  private static List<String> ranges(CStruct s, byte[] img, Call.Ioctl c, Set<String> covered) {
    long ptr = get(s, img, "allowed_iovas");
    long num = get(s, img, "num_iovas");
    Optional<CStruct> rs = Uapi.struct("iommu_iova_range");
    if (ptr == 0 || num == 0 || num > MAX_ENTRIES || rs.isEmpty()
        || c.pointee().length < num * rs.get().size()) {
      return List.of();
    }
    covered.addAll(List.of("allowed_iovas", "num_iovas"));
    StringJoiner j = new StringJoiner(" ", "allowed_iovas=[", "]");
    for (int i = 0; i < num; i++) {
      j.add(Structs.literal(rs.get(), c.pointee(), i * rs.get().size()));
    }
    return List.of(j.toString());
  }

  /**
   * {@code num_iovas=N} / {@code data_len=N}: the runner lays out a buffer of that size when
   * the step names the count and not the pointer, so only the pointer is left out (and a count
   * of 0 is named, for the empty buffer at a non-null pointer).
   */
  private static List<String> outBuffer(CStruct s, byte[] img, Call.Ioctl c, State st,
      String pointer,
      String count, long max, Set<String> covered) {
    long ptr = get(s, img, pointer);
    long n = get(s, img, count);
    if (ptr != 0 && n == 0 && !st.inDataMapping(ptr)) {
      covered.addAll(List.of(pointer, count));
      return List.of(count + "=0");
    }
    if (ptr != 0 && n != 0 && n <= max && c.outBufferMapped() && !st.inDataMapping(ptr)) {
      covered.add(pointer);
    }
    return List.of();
  }

  /** {@code bitmap_bytes=N}: a zeroed bitmap of the size the kernel fills. */
  private static List<String> bitmap(CStruct s, byte[] img, Call.Ioctl c, State st,
      Set<String> covered) {
    long n = IoctlCapture.bitmapBytes(s, img);
    long ptr = get(s, img, "data");
    if (ptr == 0 || n <= 0 || !c.outBufferMapped() || st.inDataMapping(ptr)) {
      return List.of();
    }
    covered.add("data");
    return List.of("bitmap_bytes=" + Text.literal(n));
  }

  private static long get(CStruct s, byte[] img, String field) {
    return s.field(field).get(img);
  }
}
