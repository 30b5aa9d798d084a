package ai.pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The boundaries the package layout promises (see {@code ai.pipeline.domains} and {@code ai.pipeline.shared}). */
@AnalyzeClasses(packages = "ai.pipeline", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainsDoNotKnowEachOther = slices()
            .matching("ai.pipeline.domains.(*)..")
            .should().notDependOnEachOther()
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule domainsDependOnlyOnShared = noClasses()
            .that().resideInAPackage("ai.pipeline.domains..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "ai.pipeline.orchestration..", "ai.pipeline.platform..", "ai.pipeline.ingress..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule sharedDependsOnNothingOfOurs = noClasses()
            .that().resideInAPackage("ai.pipeline.shared..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "ai.pipeline.domains..", "ai.pipeline.orchestration..", "ai.pipeline.platform..",
                    "ai.pipeline.ingress..");

    @ArchTest
    static final ArchRule platformKnowsNoDomainOrEngine = noClasses()
            .that().resideInAPackage("ai.pipeline.platform..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "ai.pipeline.domains..", "ai.pipeline.orchestration..", "ai.pipeline.ingress..");
}
