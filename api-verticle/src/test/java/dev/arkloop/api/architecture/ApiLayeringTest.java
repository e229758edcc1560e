package dev.arkloop.api.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's packages form no loops. {@code http} is the leaf every resource builds on and depends on
 * no other API package (authentication and audit reach it through its own interfaces); the root
 * package only assembles, so nothing depends on it.
 */
class ApiLayeringTest {
  private static JavaClasses api;

  @BeforeAll
  static void importClasses() {
    api = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.arkloop.api");
  }

  @Test
  void httpDependsOnNoOtherApiPackage() {
    noClasses().that().resideInAPackage("dev.arkloop.api.http..")
        .should().dependOnClassesThat(resideInAPackage("dev.arkloop.api..")
            .and(resideOutsideOfPackage("dev.arkloop.api.http..")))
        .check(api);
  }

  @Test
  void noResourceDependsOnTheAssembly() {
    noClasses().that().resideInAPackage("dev.arkloop.api.*..")
        .should().dependOnClassesThat().resideInAPackage("dev.arkloop.api")
        .check(api);
  }

  @Test
  void apiPackagesAreFreeOfCycles() {
    slices().matching("dev.arkloop.api.(*)..").should().beFreeOfCycles().check(api);
  }
}
