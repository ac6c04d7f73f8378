import Testing
@testable import ManageMigrations

/// Index and constraint names are Django's (`_create_index_name`, `Index.set_name_with_model`):
/// the expected names were printed by Django 6.1 for the same tables and columns, so Django can
/// drop or rename what manage created.
@Suite("Schema object names")
struct SchemaNamesTests {
  @Test func foreignKeyAndUniqueTogetherIndexesAreNamedAsDjangoNamesThem() {
    #expect(SchemaNames.indexName(table: "auth_group_permissions", columns: ["group_id"], suffix: "") == "auth_group_permissions_group_id_b120cbf9")
    #expect(SchemaNames.indexName(table: "shop_orderline", columns: ["order_id"], suffix: "") == "shop_orderline_order_id_8ad562c5")
    #expect(SchemaNames.indexName(table: "auth_group_permissions", columns: ["group_id", "permission_id"], suffix: "_uniq")
      == "auth_group_permissions_group_id_permission_id_0cd325b0_uniq")
  }

  @Test func longNamesAreShortenedAsDjangoShortensThem() {
    let table = "a_very_long_table_name_that_keeps_going_and_going_on_and_on_for_ever_and_ever_more_than_two_hundred_characters_if_we_keep_typing_long_enough_to_need_shortening_of_the_generated_name_by_djangos_schema_editor_rules"
    #expect(SchemaNames.indexName(table: table, columns: ["first_column", "second_column"], suffix: "_uniq")
      == "a_very_long_table_name_that_keeps_going_and_going_on_and_on_for_ever_and_ever_more_than_two__first_column_second_column_1bca2fb8_uniq")
    // PostgreSQL's 63-character limit, with a foreign key constraint's long suffix cut to a third.
    #expect(SchemaNames.indexName(table: "blog_post_with_a_long_table_name", columns: ["author_id"], suffix: "_fk_auth_user_id",
                                  maxLength: SchemaNames.postgresMaxNameLength) == "blog_post_with_a_lon_author_id_8b1bba35_fk_auth_user")
    #expect(SchemaNames.indexName(table: "blog_post", columns: ["title"], suffix: "_like", maxLength: 63) == "blog_post_title_adf2f203_like")
  }

  @Test func anUnnamedModelIndexTakesDjangosGeneratedName() {
    // Index(fields=["status", "-created_at"]) on blog_post, created_at stored in column "created".
    #expect(SchemaNames.modelIndexName(table: "blog_post", fields: ["status", "-created_at"], columns: ["status", "created"]) == "blog_post_status_130c56_idx")
  }

  @Test func theLegacyNamesStayAsManageWroteThem() {
    // Databases made before the switch carry these; removing an index also tries them.
    #expect(SchemaNames.legacyIndexName(table: "auth_group_permissions", columns: ["group_id"], suffix: "idx") == "auth_group_permissions_group_id_fdf8f8d9_idx")
  }
}
