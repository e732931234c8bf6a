package dev.switchboard.catalog;

import dev.switchboard.testing.SwitchboardTestProfile;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

@QuarkusTest
@TestProfile(SwitchboardTestProfile.class)
class CatalogLoaderTest {

    @Inject
    CatalogLoader loader;

    @Inject
    CatalogService service;

    @Inject
    AgroalDataSource db;

    @AfterEach
    void restore() {
        loader.load();
        service.refresh();
    }

    @Test
    void reloadingTheSameFilesWritesNothing() throws SQLException {
        String before = fingerprint();
        loader.load();
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void entriesLeftOutOfTheFilesAreRetiredThenRevived() throws SQLException {
        List<CatalogReader.Source> sources = new ArrayList<>(loader.sources());
        // The test catalog file is the one that holds testlab/gamma; other test files may come after it.
        CatalogReader.Source test = sources.stream().filter(s -> s.text().contains("  - slug: testlab/gamma"))
                .findFirst().orElseThrow();
        int index = sources.indexOf(test);
        String withoutGamma = test.text().substring(0, test.text().indexOf("  - slug: testlab/gamma"));
        sources.set(index, new CatalogReader.Source(test.name(), withoutGamma));
        loader.load(sources);
        assertThat(scalar("select retired_at is not null from models where slug = 'testlab/gamma'")).isEqualTo("t");
        assertThat(scalar("select count(*) from endpoints where model_slug = 'testlab/gamma' and retired_at is null"))
                .isEqualTo("0");
        assertThat(service.refresh().model("testlab/gamma")).isEmpty();
        // Retired, not deleted: the row (and what references it) stays.
        assertThat(scalar("select count(*) from endpoints where model_slug = 'testlab/gamma'")).isEqualTo("1");

        loader.load();
        assertThat(scalar("select retired_at is null from models where slug = 'testlab/gamma'")).isEqualTo("t");
        assertThat(service.refresh().model("testlab/gamma")).isPresent();
    }

    @Test
    void aBadFileWritesNothingAndNamesTheProblem() throws SQLException {
        String before = fingerprint();
        List<CatalogReader.Source> sources = new ArrayList<>(loader.sources());
        sources.add(new CatalogReader.Source("/etc/switchboard/broken.yaml", """
                models:
                  - slug: testlab/alpha
                    endpoints:
                      - provider: test-lab
                        pricing: {input: 0.01}
                      - provider: nowhere
                        upstream_id: x
                        pricing: {input: 1, output: 1}
                """));
        CatalogException e = assertThrows(CatalogException.class, () -> loader.load(sources));
        assertThat(e.getMessage()).contains("/etc/switchboard/broken.yaml")
                .contains("model 'testlab/alpha', endpoint 'nowhere'").contains("not listed under providers");
        assertThat(fingerprint()).isEqualTo(before);
    }

    /** Every catalog row with its update time: equal fingerprints mean nothing was written. */
    private String fingerprint() throws SQLException {
        return scalar("""
                select md5(string_agg(x, ',' order by x)) from (
                  select slug || updated_at::text || coalesce(retired_at::text, '') as x from models
                  union all select id || updated_at::text || coalesce(retired_at::text, '') || price_input from endpoints
                  union all select slug || updated_at::text from providers
                  union all select slug || updated_at::text from vendors) rows""");
    }

    private String scalar(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
