package org.iommufdsim.scenarios.parse;

import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.ast.ScnError;

/** What parsing a file gives: the scenario, or the first error with its line and column. */
public sealed interface ParseResult {
  record Parsed(Scenario scenario) implements ParseResult {}

  record Failed(ScnError error) implements ParseResult {}
}
