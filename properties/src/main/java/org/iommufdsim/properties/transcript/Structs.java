package org.iommufdsim.properties.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;

/**
 * Struct bytes as {@code field=value} pairs: the fewest non-zero fields that give back every
 * non-zero byte (so a union is spelt once, by its preferred member), and the kinds of field
 * that need more than a number: user pointers and file descriptors.
 */
final class Structs {
  private static final Set<String> POINTERS =
      Set.of("uptr", "user_va", "data_uptr", "allowed_iovas", "vaddr", "token_uuid_ptr");
  private static final Set<String> FD_INPUTS = Set.of("fd", "iommufd", "dmabuf_fd");
  static final Set<String> FD_OUTPUTS = Set.of("out_fault_fd", "out_veventq_fd", "out_access_fd");

  private Structs() {}

  static String leaf(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  /** Whether the field holds an address in the process's memory. */
  static boolean isPointer(CStruct s, CField f) {
    return POINTERS.contains(leaf(f.path()))
        || (s.name().equals("iommu_hwpt_get_dirty_bitmap") && f.path().equals("data"));
  }

  /** Whether the field points at memory the kernel maps or reads as data (not a struct). */
  static boolean isDataPointer(CField f) {
    String leaf = leaf(f.path());
    return leaf.equals("uptr") || leaf.equals("user_va") || leaf.equals("vaddr");
  }

  static boolean isFdInput(CField f) {
    return FD_INPUTS.contains(leaf(f.path()));
  }

  /**
   * The fields to name so that a zeroed struct becomes {@code image}: in {@code order}, each
   * non-zero field that holds a byte no earlier one did. {@code done} marks bytes already
   * accounted for (by fields a convenience fills in), and is updated.
   */
  static List<CField> cover(List<CField> order, byte[] image, boolean[] done) {
    List<CField> out = new ArrayList<>();
    for (CField f : order) {
      if (f.end() > image.length || f.get(image) == 0) {
        continue;
      }
      boolean adds = false;
      for (long b = f.offset(); b < f.end(); b++) {
        if (!done[(int) b] && image[(int) b] != 0) {
          adds = true;
        }
      }
      if (adds) {
        for (long b = f.offset(); b < f.end(); b++) {
          done[(int) b] = true;
        }
        out.add(f);
      }
    }
    return out;
  }

  static void mark(boolean[] done, CField f) {
    for (long b = f.offset(); b < f.end() && b < done.length; b++) {
      done[(int) b] = true;
    }
  }

  /** A struct literal {@code {a=1 b=2}} of a data struct's bytes (plain numbers). */
  static String literal(CStruct s, byte[] bytes, int base) {
    byte[] image = new byte[s.size()];
    System.arraycopy(bytes, base, image, 0, Math.min(s.size(), bytes.length - base));
    StringJoiner j = new StringJoiner(" ", "{", "}");
    for (CField f : cover(s.fields(), image, new boolean[image.length])) {
      j.add(f.path() + "=" + Text.literal(f.get(image), f.width(), f.signed()));
    }
    return j.toString();
  }

  /** Whether {@code bytes[from..]} are all zero. */
  static boolean zeroFrom(byte[] bytes, int from) {
    for (int i = Math.max(from, 0); i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} has a field or member spelt {@code path} at its top level. */
  static boolean hasMember(CStruct s, String path) {
    if (s.find(path).isPresent()) {
      return true;
    }
    for (CField f : s.fields()) {
      if (f.path().startsWith(path + ".") || f.path().startsWith(path + "[")) {
        return true;
      }
    }
    return false;
  }
}
