"""The models of ../library/models.yaml, declared for Django 6.1 (same tables and columns)."""
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100)
    country = models.CharField(max_length=2, null=True, blank=True)


class Author(models.Model):
    name = models.CharField(max_length=100)
    born = models.DateField(null=True, blank=True)
    publisher = models.ForeignKey(Publisher, models.SET_NULL, null=True, blank=True, related_name="authors")


class Tag(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, models.CASCADE, related_name="books")
    pages = models.IntegerField()
    rating = models.FloatField(null=True, blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published = models.DateField(null=True, blank=True)
    updated = models.DateTimeField(null=True, blank=True)
    meta = models.JSONField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="books")


class Review(models.Model):
    book = models.ForeignKey(Book, models.CASCADE, related_name="reviews")
    stars = models.IntegerField()
    body = models.TextField(blank=True, default="")
