package org.iommufdsim.scenarios.parse;

import java.util.Optional;
import org.iommufdsim.scenarios.ast.Pos;

/**
 * The code of one directive or step with its continuations joined (each {@code \} + newline
 * becomes one space), and for every character the physical position it came from.
 */
record LogicalLine(String text, int[] lines, int[] cols, int lastLine, Optional<String> comment) {
  Pos pos(int index) {
    if (index < text.length()) {
      return new Pos(lines[index], cols[index]);
    }
    if (text.isEmpty()) {
      return new Pos(lastLine, 1);
    }
    int last = text.length() - 1;
    return new Pos(lines[last], cols[last] + 1);
  }
}
