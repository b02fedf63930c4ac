package org.iommufdsim.properties.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One rendered call: a step's items (call, arguments, outcome) or comment lines, the mappings
 * its values name, and, for mmap and munmap, the mapping it makes or removes.
 *
 * @param units the step's items, or empty for a comment-only item
 * @param comments comment lines printed before the step
 * @param refs indexes of the mappings the step's values name ({@code $mapK})
 * @param defines the mapping an anonymous mmap step makes, else -1
 * @param unmaps the mapping a munmap step removes, else -1
 */
record Item(List<String> units, List<String> comments, Set<Integer> refs, int defines,
    int unmaps) {
  static Item step(List<String> units, Set<Integer> refs) {
    return new Item(List.copyOf(units), List.of(), new TreeSet<>(refs), -1, -1);
  }

  static Item comment(String text) {
    return new Item(List.of(), List.of(Text.comment(text)), Set.of(), -1, -1);
  }

  Item withComment(String text) {
    List<String> cs = new ArrayList<>(comments);
    cs.add(Text.comment(text));
    return new Item(units, cs, refs, defines, unmaps);
  }

  Item defining(int map) {
    return new Item(units, comments, refs, map, unmaps);
  }

  Item unmapping(int map) {
    return new Item(units, comments, refs, defines, map);
  }
}
